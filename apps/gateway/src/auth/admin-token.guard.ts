import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '@app/config';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** When ADMIN_TOKEN is set, admin routes need `Authorization: Bearer <token>` (401 without one, 403 with a wrong one). */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.gateway.adminToken;
    if (!expected) return true;
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const match = /^Bearer (.+)$/i.exec(header ?? '');
    if (!match) throw new UnauthorizedException('Authorization: Bearer <admin token> is required');
    if (!timingSafeEqual(digest(match[1]), digest(expected))) throw new ForbiddenException('admin token is not valid');
    return true;
  }
}

import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { USER_ID_PATTERN, USER_ID_RULE } from '@app/contracts';

const USER_ID = new RegExp(USER_ID_PATTERN);

/** The buyer, from `X-User-Id` (set by an authenticating proxy in front of the gateway). */
export function buyerOf(request: FastifyRequest): string {
  const value = request.headers['x-user-id'];
  if (typeof value !== 'string' || value === '') throw new BadRequestException('X-User-Id header is required');
  if (!USER_ID.test(value)) throw new BadRequestException(`X-User-Id header must be ${USER_ID_RULE}`);
  return value;
}

export const Buyer = createParamDecorator((_: unknown, context: ExecutionContext): string => buyerOf(context.switchToHttp().getRequest<FastifyRequest>()));

import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

const USER_ID_PATTERN = /^[\w.:@-]{1,128}$/;

/** The buyer, from `X-User-Id` (authentication is out of scope; a gateway in front would set it). */
export const UserId = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const value = context.switchToHttp().getRequest<FastifyRequest>().headers['x-user-id'];
  if (typeof value !== 'string' || value === '') throw new BadRequestException('X-User-Id header is required');
  if (!USER_ID_PATTERN.test(value)) throw new BadRequestException('X-User-Id header must be 1-128 letters, digits or . _ : @ -');
  return value;
});

import { type CanActivate, createParamDecorator, type ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { BuyerIdentity } from './buyer-identity.service.js';

type WithBuyer = FastifyRequest & { buyer?: string };

/** Routes that show or change a buyer's data: the caller must be a buyer (401 otherwise), known to `@Buyer()`. */
@Injectable()
export class BuyerGuard implements CanActivate {
  constructor(private readonly identity: BuyerIdentity) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<WithBuyer>();
    request.buyer = await this.identity.buyerOf(request);
    return true;
  }
}

/** The buyer a BuyerGuard established for this request. */
export const Buyer = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const buyer = context.switchToHttp().getRequest<WithBuyer>().buyer;
  if (buyer === undefined) throw new Error('@Buyer() needs the route guarded by BuyerGuard');
  return buyer;
});

/** Admin routes (creating events…): 401 without credentials, 403 for a buyer doing an admin's job. */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(private readonly identity: BuyerIdentity) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (await this.identity.isAdmin(context.switchToHttp().getRequest<FastifyRequest>())) return true;
    throw new ForbiddenException('only an admin may do this');
  }
}

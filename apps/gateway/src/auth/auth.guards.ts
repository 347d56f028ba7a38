import { type CanActivate, createParamDecorator, type ExecutionContext, ForbiddenException, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { BuyerIdentity } from './buyer-identity.service.js';

type WithBuyer = FastifyRequest & { buyer?: string };

const EVENT_SOURCE = 'seatgrid:event-source';

/**
 * Marks a Server-Sent Events route that a browser's EventSource opens: its BuyerGuard also takes the token as the
 * `access_token` query parameter in jwt mode (see BuyerIdentity.eventSourceBuyerOf). No other route does.
 */
export const OpenedByEventSource = () => SetMetadata(EVENT_SOURCE, true);

/** Routes that show or change a buyer's data: the caller must be a buyer (401 otherwise), known to `@Buyer()`. */
@Injectable()
export class BuyerGuard implements CanActivate {
  constructor(private readonly identity: BuyerIdentity, private readonly reflector: Reflector) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<WithBuyer>();
    const eventSource = this.reflector.get<boolean | undefined>(EVENT_SOURCE, context.getHandler()) === true;
    request.buyer = await (eventSource ? this.identity.eventSourceBuyerOf(request) : this.identity.buyerOf(request));
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

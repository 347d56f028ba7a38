import { BadRequestException, Injectable, UnauthorizedException } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '@app/config';
import { USER_ID_PATTERN, USER_ID_RULE } from '@app/contracts';
import { InvalidTokenError, InvalidTokenRequestError, TokenVerifier } from './token-verifier.js';

const USER_ID = new RegExp(USER_ID_PATTERN);
const BEARER = /^Bearer (.+)$/i;
const digest = (value: string) => createHash('sha256').update(value).digest();

/** Who is asking, by AUTH_MODE: `header` trusts X-User-Id (set by an authenticating proxy); `jwt` verifies a bearer token. */
@Injectable()
export class BuyerIdentity {
  private readonly adminToken?: Buffer;

  constructor(private readonly config: AppConfig, private readonly tokens: TokenVerifier) {
    this.adminToken = config.gateway.adminToken === undefined ? undefined : digest(config.gateway.adminToken);
  }

  /** The buyer; synchronous when it is already known (header mode, a token verified before). 401 without one. */
  buyerOf(request: FastifyRequest): string | Promise<string> {
    if (this.config.auth.mode === 'header') return headerBuyer(request);
    return this.subjectOf(bearerOf(request) ?? missingToken());
  }

  /**
   * The buyer of a route that a browser's EventSource opens. EventSource cannot send headers, so in jwt mode the token
   * may come as the `access_token` query parameter instead (RFC 6750 §2.3), verified the same way; one way only.
   */
  eventSourceBuyerOf(request: FastifyRequest): string | Promise<string> {
    const inQuery = (request.query as Record<string, unknown> | undefined)?.access_token;
    if (this.config.auth.mode === 'header' || inQuery === undefined) return this.buyerOf(request);
    if (typeof inQuery !== 'string' || request.headers.authorization !== undefined) {
      throw new InvalidTokenRequestError('send the access token once: in the Authorization header or as the access_token parameter');
    }
    return this.subjectOf(inQuery);
  }

  /**
   * Whether the caller may do an admin's job: the ADMIN_TOKEN bearer (machine clients), or in jwt mode a token whose
   * `roles` contain `admin`. Without ADMIN_TOKEN in header mode (development) everyone may.
   */
  async isAdmin(request: FastifyRequest): Promise<boolean> {
    const bearer = bearerOf(request);
    if (bearer !== undefined && this.adminToken && timingSafeEqual(digest(bearer), this.adminToken)) return true;
    if (this.config.auth.mode === 'jwt') return (await this.tokens.verify(bearer ?? missingToken())).admin;
    if (!this.adminToken) return true;
    if (bearer === undefined) throw new UnauthorizedException('Authorization: Bearer <admin token> is required');
    return false;
  }

  private subjectOf(token: string): string | Promise<string> {
    const verified = this.tokens.verify(token);
    return verified instanceof Promise ? verified.then(({ subject }) => subject) : verified.subject;
  }
}

function headerBuyer(request: FastifyRequest): string {
  const value = request.headers['x-user-id'];
  if (typeof value !== 'string' || value === '') throw new UnauthorizedException('X-User-Id header is required');
  if (!USER_ID.test(value)) throw new BadRequestException(`X-User-Id header must be ${USER_ID_RULE}`);
  return value;
}

function bearerOf(request: FastifyRequest): string | undefined {
  return BEARER.exec(request.headers.authorization ?? '')?.[1];
}

function missingToken(): never {
  throw new InvalidTokenError('Authorization: Bearer <token> is required');
}

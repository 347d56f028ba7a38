import { BadRequestException, Injectable, UnauthorizedException } from '@nestjs/common';
import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { growingLru } from '@app/common';
import { AppConfig } from '@app/config';
import { USER_ID_PATTERN } from '@app/contracts';

export interface VerifiedToken {
  /** The buyer: the token's `sub`. */
  subject: string;
  /** The `roles` claim contains `admin`. */
  admin: boolean;
}

/** 401 with the challenge RFC 6750 asks for, whatever was wrong with the token (missing, expired, foreign…). */
export class InvalidTokenError extends UnauthorizedException {
  readonly headers = { 'www-authenticate': 'Bearer error="invalid_token"' };
}

/** 400 with the challenge RFC 6750 asks for when a request sends its token more than one way. */
export class InvalidTokenRequestError extends BadRequestException {
  readonly headers = { 'www-authenticate': 'Bearer error="invalid_request"' };
}

/** Signature algorithms accepted: RS256 and ES256; `none` and anything else are refused. */
const ALGORITHMS = ['RS256', 'ES256'];
const CLOCK_TOLERANCE_SECONDS = 5;
const CACHED_TOKENS = 50_000;
/** A token with a key id the gateway does not know makes it fetch the key set again, at most this often. */
const KEY_SET_REFETCH_COOLDOWN_MS = 1000;
const SUBJECT = new RegExp(USER_ID_PATTERN);

/**
 * Verifies OIDC access tokens against the provider's key set (jose: keys cached, fetched again on an unknown `kid`).
 * A verified token is remembered until it expires, so a buyer's repeated requests verify once.
 */
@Injectable()
export class TokenVerifier {
  private readonly keys?: JWTVerifyGetKey;
  private readonly verified = growingLru<string, VerifiedToken>(CACHED_TOKENS);

  constructor(private readonly config: AppConfig) {
    if (config.auth.mode === 'jwt') this.keys = createRemoteJWKSet(new URL(config.auth.jwksUrl!), { cooldownDuration: KEY_SET_REFETCH_COOLDOWN_MS });
  }

  /** The token's buyer and role: at once when this token was verified before, else after verifying it. */
  verify(token: string): VerifiedToken | Promise<VerifiedToken> {
    return this.verified.get(token) ?? this.verifyAnew(token);
  }

  private async verifyAnew(token: string): Promise<VerifiedToken> {
    if (!this.keys) throw new InvalidTokenError('bearer tokens are not accepted (AUTH_MODE is not jwt)');
    const { issuer, audience } = this.config.auth;
    let claims;
    try {
      ({ payload: claims } = await jwtVerify(token, this.keys, { issuer, audience, algorithms: ALGORITHMS, clockTolerance: CLOCK_TOLERANCE_SECONDS, requiredClaims: ['sub', 'exp'] }));
    } catch (error) {
      throw new InvalidTokenError(`invalid token: ${reasonOf(error)}`);
    }
    if (!SUBJECT.test(claims.sub!)) throw new InvalidTokenError('invalid token: its subject is not a valid buyer id');
    const roles = claims.roles;
    const verified = { subject: claims.sub!, admin: Array.isArray(roles) && roles.includes('admin') };
    this.verified.set(token, verified, { ttl: Math.max(1, claims.exp! * 1000 - Date.now()) });
    return verified;
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `${error.claim} claim not accepted`;
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm not accepted';
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWSSignatureVerificationFailed) return 'not signed by the issuer';
  return 'malformed';
}

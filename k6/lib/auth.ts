/**
 * Who the scenarios' requests come from, by AUTH_MODE (read in the init stage: a bad or missing value stops the run
 * before it starts):
 *   header (default)  the buyer is the X-User-Id header, as behind an authenticating proxy
 *   jwt               every buyer sends `Authorization: Bearer` with a token of its own, signed here with WebCrypto
 *                     (one per buyer, cached per VU); POST /events sends a token with the `admin` role
 *
 * Environment variables:
 *   AUTH_MODE         header or jwt                                                           (default header)
 *   ADMIN_TOKEN       if set, sent as `Authorization: Bearer …` on POST /events, in either mode
 *   AUTH_SIGNING_KEY  jwt: the private key as a JWK (JSON) with "kid" and "alg" RS256 or ES256, whose public
 *                     half is in the key set the gateway trusts (AUTH_JWKS_URL)
 *   AUTH_ISSUER       jwt: the tokens' `iss`, as the gateway's AUTH_ISSUER
 *   AUTH_AUDIENCE     jwt: the tokens' `aud`, as the gateway's AUTH_AUDIENCE
 *   AUTH_TOKEN_TTL    jwt: seconds a token is valid                                           (default 3600)
 *
 * Signing is asynchronous and the API helpers are not: a script awaits signIn() for the buyers it is about to act as
 * (and signInAdmin() before creating events); the helpers then find their headers here.
 */
import { env, envInt } from './env.ts';
import { type Claims, jwtSigner, parseSigningJwk, type SignJwt, type SigningJwk } from './jwt.ts';

export type AuthMode = 'header' | 'jwt';

interface JwtSettings {
  key: SigningJwk;
  issuer: string;
  audience: string;
  lifetimeS: number;
}

interface Token {
  bearer: string;
  /** ms since the epoch */
  expiresAt: number;
}

/** The subject of the admin token that creates the events. */
const ADMIN_SUBJECT = 'k6-admin';
/** A token about to expire is signed anew rather than sent. */
const RENEW_BEFORE_MS = 60_000;
/** Tokens kept per VU: scenarios with a new buyer per iteration would otherwise keep every token of a long run. */
const MAX_CACHED_TOKENS = 20_000;

function authMode(): AuthMode {
  const mode = env('AUTH_MODE') ?? 'header';
  if (mode !== 'header' && mode !== 'jwt') throw new Error(`AUTH_MODE=${mode}: expected header or jwt`);
  return mode;
}

function jwtSettings(): JwtSettings {
  const missing = ['AUTH_SIGNING_KEY', 'AUTH_ISSUER', 'AUTH_AUDIENCE'].filter((name) => env(name) === undefined);
  if (missing.length > 0) throw new Error(`AUTH_MODE=jwt needs ${missing.join(', ')}`);
  return {
    key: parseSigningJwk(env('AUTH_SIGNING_KEY')!, 'AUTH_SIGNING_KEY'),
    issuer: env('AUTH_ISSUER')!,
    audience: env('AUTH_AUDIENCE')!,
    lifetimeS: envInt('AUTH_TOKEN_TTL', 3600, 60, 86_400),
  };
}

export const AUTH_MODE = authMode();
const JWT = AUTH_MODE === 'jwt' ? jwtSettings() : undefined;
const ADMIN_TOKEN = env('ADMIN_TOKEN');

// Module state is per VU: every VU runs its own copy of the script.
const buyerTokens = new Map<string, Token>();
let adminToken: Token | undefined;
let signer: Promise<SignJwt> | undefined;

function isFresh(token: Token | undefined): token is Token {
  return token !== undefined && token.expiresAt - Date.now() > RENEW_BEFORE_MS;
}

async function signToken(settings: JwtSettings, subject: string, roles: string[]): Promise<Token> {
  if (signer === undefined) signer = jwtSigner(crypto.subtle, settings.key);
  const iat = Math.floor(Date.now() / 1000);
  const claims: Claims = { sub: subject, iss: settings.issuer, aud: settings.audience, roles, iat, exp: iat + settings.lifetimeS };
  return { bearer: await (await signer)(claims), expiresAt: claims.exp * 1000 };
}

/** Signs a token for each buyer that has none (or one about to expire) in this VU; nothing to do in header mode. */
export async function signIn(userIds: string[]): Promise<void> {
  if (JWT === undefined) return;
  for (const userId of userIds) {
    if (isFresh(buyerTokens.get(userId))) continue;
    buyerTokens.delete(userId);
    buyerTokens.set(userId, await signToken(JWT, userId, ['buyer']));
  }
  // Maps iterate in insertion order: the oldest tokens go first.
  for (const userId of buyerTokens.keys()) {
    if (buyerTokens.size <= MAX_CACHED_TOKENS) break;
    buyerTokens.delete(userId);
  }
}

/** Signs the admin token that createEvent sends, unless ADMIN_TOKEN is given or the mode is header. */
export async function signInAdmin(): Promise<void> {
  if (JWT !== undefined && ADMIN_TOKEN === undefined && !isFresh(adminToken)) adminToken = await signToken(JWT, ADMIN_SUBJECT, ['admin']);
}

/** How a request says which buyer sends it. */
export function buyerHeaders(userId: string): Record<string, string> {
  if (JWT === undefined) return { 'X-User-Id': userId };
  const token = buyerTokens.get(userId);
  if (token === undefined) throw new Error(`no token for ${userId}: await signIn([...]) for a buyer before acting as it`);
  return { Authorization: `Bearer ${token.bearer}` };
}

/** How POST /events proves an admin's right; nothing in header mode without ADMIN_TOKEN (a development gateway). */
export function adminHeaders(): Record<string, string> {
  if (ADMIN_TOKEN !== undefined) return { Authorization: `Bearer ${ADMIN_TOKEN}` };
  if (JWT === undefined) return {};
  if (adminToken === undefined) throw new Error('no admin token: await signInAdmin() before creating events');
  return { Authorization: `Bearer ${adminToken.bearer}` };
}

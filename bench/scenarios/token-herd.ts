import type { Identities } from '../api.js';
import { JwtIssuer } from '../../tools/jwt-issuer.js';
import type { RunResult } from '../result.js';
import type { Context } from './common.js';
import { measuredHerd, warmUpUsers } from './herd.js';

const USER_PREFIX = 'herd-jwt';
/** What most OIDC providers (Keycloak among them) sign access tokens with. */
const ALGORITHM = 'RS256';
/** Long enough for the slowest full run; the gateway caches each verified token until it expires. */
const TOKEN_LIFETIME_S = 3600;

/**
 * The herd again against a gateway in AUTH_MODE=jwt: every buyer sends a bearer token of its own, signed by a local
 * issuer whose key set the gateway fetches, so each buyer's first request pays one signature check and its polls
 * hit the verified-token cache. The tokens are signed before the herd, as a provider would have issued them earlier.
 */
export async function tokenHerd(context: Context): Promise<RunResult> {
  const { system, options, log } = context;
  const issuer = await JwtIssuer.start();
  try {
    const users = [...warmUpUsers(options), ...Array.from({ length: options.users }, (_, i) => `${USER_PREFIX}-${i}`)];
    log(`${USER_PREFIX}: signing ${users.length} ${ALGORITHM} tokens`);
    const identities = await signedIdentities(issuer, users);
    await system.restartGateway(issuer.gatewayEnv);
    const run = await measuredHerd(context, USER_PREFIX, identities);
    return { ...run, name: USER_PREFIX, title: `Thundering herd with a signed ${ALGORITHM} token per buyer (AUTH_MODE=jwt)`, parameters: { ...run.parameters, algorithm: ALGORITHM } };
  } finally {
    await system.restartGateway();
    await issuer.stop();
  }
}

async function signedIdentities(issuer: JwtIssuer, users: string[]): Promise<Identities> {
  const sign = (subject: string, admin = false) => issuer.sign(subject, { admin, algorithm: ALGORITHM, expiresIn: TOKEN_LIFETIME_S });
  const tokens = new Map(await Promise.all(users.map(async (user) => [user, { authorization: `Bearer ${await sign(user)}` }] as const)));
  return {
    buyer(userId) {
      const headers = tokens.get(userId);
      if (!headers) throw new Error(`no token was signed for ${userId}`);
      return headers;
    },
    admin: { authorization: `Bearer ${await sign('bench-admin', true)}` },
  };
}

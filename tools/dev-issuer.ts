/**
 * `npm run issuer`: a local token issuer for development, so that a gateway in AUTH_MODE=jwt can be tried with curl
 * and k6. It serves the key set of the keys in ISSUER_DIR (default .local/issuer, made on first run) on
 * 127.0.0.1:ISSUER_PORT (default 3003) and prints what a gateway, `npm run token` and k6 need. Ctrl-C stops it.
 */
import { DEV_KEYS_DIR, devKeyFile, devSigningKeys } from './dev-keys.js';
import { JwtIssuer } from './jwt-issuer.js';

const dir = process.env.ISSUER_DIR || DEV_KEYS_DIR;
const port = Number(process.env.ISSUER_PORT || 3003);

const issuer = await JwtIssuer.start({ keys: await devSigningKeys(dir), port });
const gatewayEnv = Object.entries(issuer.gatewayEnv)
  .map(([name, value]) => `${name}=${value}`)
  .join(' ');

console.log(`Token issuer: key set at ${issuer.jwksUrl} (keys in ${dir}, kept across restarts)

Gateway, in another terminal:
  ${gatewayEnv} npm start

Tokens (valid for an hour; add --alg ES256 for an ES256 one):
  ADMIN=$(npm run -s token -- ops --admin)    # the admin role: may create events
  TOKEN=$(npm run -s token -- alice)          # a buyer
  curl -si -X POST localhost:3000/bookings -H "Authorization: Bearer $TOKEN" \\
       -H 'content-type: application/json' -d '{"eventId":1,"quantity":2}'

k6 signs its own tokens with the same key:
  k6 run -e AUTH_MODE=jwt -e AUTH_ISSUER=${issuer.issuer} -e AUTH_AUDIENCE=${issuer.audience} \\
    -e AUTH_SIGNING_KEY="$(cat ${devKeyFile(dir, 'RS256')})" k6/thundering-herd.ts`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void issuer.stop().then(() => process.exit(0)));

/**
 * `npm run token -- <user> [--admin] [--alg RS256|ES256]`: prints an access token for <user>, valid for an hour,
 * signed with the development issuer's key (ISSUER_DIR, default .local/issuer; made if missing). `--admin` adds the
 * `admin` role, which may create events. `npm run -s token -- …` prints the token alone, for `TOKEN=$(…)`.
 */
import { parseArgs } from 'node:util';
import { DEV_KEYS_DIR, devSigningKeys } from './dev-keys.js';
import { ALGORITHMS, type Algorithm, TokenSigner } from './token-signer.js';

const LIFETIME_S = 3600;
const USAGE = 'usage: npm run token -- <user> [--admin] [--alg RS256|ES256]';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { admin: { type: 'boolean', default: false }, alg: { type: 'string', default: 'RS256' } },
});
const [user] = positionals;
const algorithm = values.alg as Algorithm;
if (positionals.length !== 1 || !ALGORITHMS.includes(algorithm)) {
  console.error(USAGE);
  process.exit(2);
}

const signer = await TokenSigner.withKeys(await devSigningKeys(process.env.ISSUER_DIR || DEV_KEYS_DIR));
console.log(await signer.sign(user, { admin: values.admin, algorithm, expiresIn: LIFETIME_S }));

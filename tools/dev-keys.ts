import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ALGORITHMS, type Algorithm, generateSigningJwk, type SigningJwk } from './token-signer.js';

/** Where the development issuer keeps its keys (gitignored), relative to the repository root. */
export const DEV_KEYS_DIR = '.local/issuer';

/** The file holding the private JWK of one algorithm: what k6 takes as AUTH_SIGNING_KEY. */
export const devKeyFile = (dir: string, algorithm: Algorithm): string => join(dir, `${algorithm}.jwk.json`);

/**
 * The development issuer's signing keys, one per algorithm, created on first use and kept in `dir` so that tokens
 * and a running gateway's cached key set stay valid across restarts of `npm run issuer`.
 */
export async function devSigningKeys(dir: string): Promise<SigningJwk[]> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return Promise.all(ALGORITHMS.map((algorithm) => loadOrCreate(devKeyFile(dir, algorithm), algorithm)));
}

async function loadOrCreate(file: string, algorithm: Algorithm): Promise<SigningJwk> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const jwk = await generateSigningJwk(algorithm);
    // Private keys: readable by their owner only; `wx` never overwrites a key another process has just written.
    await writeFile(file, `${JSON.stringify(jwk)}\n`, { mode: 0o600, flag: 'wx' });
    return jwk;
  }
  const jwk = JSON.parse(text) as SigningJwk;
  if (jwk.alg !== algorithm || typeof jwk.kid !== 'string' || typeof jwk.d !== 'string') {
    throw new Error(`${file} is not a private ${algorithm} JWK with a kid: delete it to have a new key made`);
  }
  return jwk;
}

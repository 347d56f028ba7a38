import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jwtVerify } from 'jose';
import { devKeyFile, devSigningKeys } from './dev-keys.js';
import { TokenSigner } from './token-signer.js';

describe(devSigningKeys.name, () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'seatgrid-dev-keys-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('should make one private key per algorithm on first use, readable by its owner only', async () => {
    const keys = await devSigningKeys(join(dir, 'issuer'));
    expect(keys.map((key) => [key.alg, typeof key.d, typeof key.kid])).toEqual([
      ['RS256', 'string', 'string'],
      ['ES256', 'string', 'string'],
    ]);
    expect((await stat(devKeyFile(join(dir, 'issuer'), 'RS256'))).mode & 0o777).toBe(0o600);
  });

  it('should give the same keys again, so that tokens signed before a restart stay valid', async () => {
    const signer = await TokenSigner.withKeys(await devSigningKeys(dir));
    const token = await signer.sign('alice', { algorithm: 'RS256' });
    const restarted = await TokenSigner.withKeys(await devSigningKeys(dir));
    const [publicKey] = restarted.keySet.keys;
    await expect(jwtVerify(token, publicKey, { issuer: signer.issuer, audience: signer.audience })).resolves.toMatchObject({ payload: { sub: 'alice' } });
  });

  it('should publish no private member in the key set', async () => {
    const signer = await TokenSigner.withKeys(await devSigningKeys(dir));
    for (const key of signer.keySet.keys) expect(Object.keys(key).filter((member) => ['d', 'p', 'q', 'dp', 'dq', 'qi'].includes(member))).toEqual([]);
  });

  it('should refuse a key file that is not a private key of its algorithm', async () => {
    await writeFile(devKeyFile(dir, 'ES256'), JSON.stringify({ kty: 'EC', alg: 'RS256', kid: 'x' }));
    await expect(devSigningKeys(dir)).rejects.toThrow(/ES256\.jwk\.json is not a private ES256 JWK/);
  });
});

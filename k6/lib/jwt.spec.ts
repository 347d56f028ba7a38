import { webcrypto } from 'node:crypto';
import { exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { base64url, type Claims, jwtSigner, parseSigningJwk, type SigningAlgorithm, utf8 } from './jwt.js';

async function keyPair(alg: SigningAlgorithm) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: `key-${alg}`, alg, use: 'sig' };
  return { text: JSON.stringify(jwk), jwk, publicKey };
}

const claims = (overrides: Partial<Claims> = {}): Claims => {
  const iat = Math.floor(Date.now() / 1000);
  return { sub: 'alice', iss: 'https://id.example/realms/seatgrid', aud: 'seatgrid-api', roles: ['buyer'], iat, exp: iat + 600, ...overrides };
};

describe(jwtSigner.name, () => {
  it.each(['RS256', 'ES256'] as const)('should sign %s tokens that jose verifies against the public key', async (alg) => {
    const { text, publicKey } = await keyPair(alg);
    const sign = await jwtSigner(webcrypto.subtle, parseSigningJwk(text, 'AUTH_SIGNING_KEY'));
    const expected = claims({ roles: ['admin'] });

    const { payload, protectedHeader } = await jwtVerify(await sign(expected), publicKey, { algorithms: [alg], issuer: expected.iss, audience: expected.aud });

    expect(protectedHeader).toEqual({ alg, typ: 'JWT', kid: `key-${alg}` });
    expect(payload).toEqual(expected);
  });

  it('should encode claims beyond ASCII as UTF-8', async () => {
    const { text, publicKey } = await keyPair('ES256');
    const sign = await jwtSigner(webcrypto.subtle, parseSigningJwk(text, 'AUTH_SIGNING_KEY'));
    const expected = claims({ iss: 'https://id.example/réalm/日本/😀' });
    expect((await jwtVerify(await sign(expected), publicKey)).payload).toEqual(expected);
  });

  it('should fail for a token signed with another key', async () => {
    const [signing, other] = await Promise.all([keyPair('RS256'), keyPair('RS256')]);
    const sign = await jwtSigner(webcrypto.subtle, parseSigningJwk(signing.text, 'AUTH_SIGNING_KEY'));
    await expect(jwtVerify(await sign(claims()), other.publicKey)).rejects.toThrow('signature verification failed');
  });
});

describe(parseSigningJwk.name, () => {
  it.each([
    ['text that is not JSON', () => 'kid=1', /AUTH_SIGNING_KEY is not JSON/],
    ['an array', () => '[]', /must be a JWK object/],
    ['an unsupported alg', (jwk: Record<string, unknown>) => JSON.stringify({ ...jwk, alg: 'HS256' }), /"alg" must be RS256 or ES256/],
    ['a key without a kid', (jwk: Record<string, unknown>) => JSON.stringify({ ...jwk, kid: undefined }), /"kid" is missing/],
    ['a key of another type than its alg', (jwk: Record<string, unknown>) => JSON.stringify({ ...jwk, alg: 'ES256' }), /"kty" must be EC for ES256/],
    ['a public key', (jwk: Record<string, unknown>) => JSON.stringify({ ...jwk, d: undefined }), /not a private RS256 key, "d" missing/],
    ['an RSA key without its CRT members', (jwk: Record<string, unknown>) => JSON.stringify({ ...jwk, dp: undefined, qi: undefined }), /not a private RS256 key, "dp", "qi" missing/],
  ])('should refuse %s, without showing the key', async (_, text, message) => {
    const { jwk } = await keyPair('RS256');
    const error = (() => {
      try {
        parseSigningJwk(text(jwk), 'AUTH_SIGNING_KEY');
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toContain(jwk.d);
  });

  it('should refuse an EC key on a curve other than P-256', async () => {
    const { jwk } = await keyPair('ES256');
    expect(() => parseSigningJwk(JSON.stringify({ ...jwk, crv: 'P-384' }), 'KEY')).toThrow('KEY: "crv" must be P-256 for ES256');
  });
});

describe(base64url.name, () => {
  it('should encode as Node does, without padding, for every length of the last group', () => {
    for (let length = 0; length <= 7; length++) {
      const bytes = webcrypto.getRandomValues(new Uint8Array(length));
      expect(base64url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
    }
    expect(base64url(utf8('日本😀'))).toBe(Buffer.from('日本😀').toString('base64url'));
  });
});

/**
 * Signs JWTs (RS256, ES256) with nothing but WebCrypto's SubtleCrypto, passed in: k6 (1.x) has it as the global
 * `crypto.subtle`, Node as `webcrypto.subtle`, where lib/jwt.spec.ts checks the tokens with jose. No k6 or Node
 * import, so that both can load this file.
 */

export type SigningAlgorithm = 'RS256' | 'ES256';

/** A private key as a JWK, with the `kid` and `alg` its tokens carry in their header. */
export interface SigningJwk {
  kty: string;
  kid: string;
  alg: SigningAlgorithm;
  [member: string]: unknown;
}

export interface Claims {
  sub: string;
  iss: string;
  aud: string;
  roles: string[];
  iat: number;
  exp: number;
}

/** The two methods of SubtleCrypto used here, generic in its key type. */
export interface Subtle<Key> {
  importKey(format: 'jwk', keyData: object, algorithm: { name: string; hash?: string; namedCurve?: string }, extractable: boolean, usages: ['sign']): Promise<Key>;
  sign(algorithm: { name: string; hash?: string }, key: Key, data: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer>;
}

export type SignJwt = (claims: Claims) => Promise<string>;

interface AlgorithmSpec {
  kty: string;
  /** The members the private key must have: all that reaches importKey. */
  members: string[];
  importParams: { name: string; hash?: string; namedCurve?: string };
  signParams: { name: string; hash?: string };
}

const SPECS: Record<SigningAlgorithm, AlgorithmSpec> = {
  // k6 imports a private RSA JWK only with its CRT members (p, q, dp, dq, qi), as key generators export it.
  RS256: {
    kty: 'RSA',
    members: ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'],
    importParams: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    signParams: { name: 'RSASSA-PKCS1-v1_5' },
  },
  // WebCrypto's ECDSA signature is r ‖ s, 64 bytes for P-256: exactly what JWS wants, no DER to unwrap.
  ES256: {
    kty: 'EC',
    members: ['crv', 'x', 'y', 'd'],
    importParams: { name: 'ECDSA', namedCurve: 'P-256' },
    signParams: { name: 'ECDSA', hash: 'SHA-256' },
  },
};

/**
 * A private signing JWK from JSON text, or an error naming what is wrong with it (never its key material), under the
 * name of the variable it came from.
 */
export function parseSigningJwk(text: string, source: string): SigningJwk {
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch (_error) {
    throw new Error(`${source} is not JSON: give the private key as a JWK`);
  }
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw new Error(`${source} must be a JWK object`);
  const key = jwk as Record<string, unknown>;
  const alg = key.alg;
  if (alg !== 'RS256' && alg !== 'ES256') throw new Error(`${source}: "alg" must be RS256 or ES256`);
  const spec = SPECS[alg];
  if (typeof key.kid !== 'string' || key.kid === '') throw new Error(`${source}: "kid" is missing (the gateway finds the key by it)`);
  if (key.kty !== spec.kty) throw new Error(`${source}: "kty" must be ${spec.kty} for ${alg}`);
  if (alg === 'ES256' && key.crv !== 'P-256') throw new Error(`${source}: "crv" must be P-256 for ES256`);
  const missing = spec.members.filter((member) => typeof key[member] !== 'string');
  if (missing.length > 0) throw new Error(`${source}: not a private ${alg} key, "${missing.join('", "')}" missing`);
  return key as SigningJwk;
}

/** Imports the key once; the function it gives signs one token per call. */
export async function jwtSigner<Key>(subtle: Subtle<Key>, jwk: SigningJwk): Promise<SignJwt> {
  const spec = SPECS[jwk.alg];
  const keyData: Record<string, unknown> = { kty: jwk.kty };
  for (const member of spec.members) keyData[member] = jwk[member];
  const key = await subtle.importKey('jwk', keyData, spec.importParams, false, ['sign']);
  const header = base64url(utf8(JSON.stringify({ alg: jwk.alg, typ: 'JWT', kid: jwk.kid })));
  return async (claims) => {
    const signingInput = `${header}.${base64url(utf8(JSON.stringify(claims)))}`;
    const signature = await subtle.sign(spec.signParams, key, utf8(signingInput));
    return `${signingInput}.${base64url(new Uint8Array(signature))}`;
  };
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Base64url without padding (RFC 7515), written out: k6 has it only in its own module (k6/encoding), Node elsewhere. */
export function base64url(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const chunk = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    // 1, 2 or 3 bytes make 2, 3 or 4 characters.
    const characters = Math.min(bytes.length - i, 3) + 1;
    for (let c = 0; c < characters; c++) text += BASE64URL[(chunk >> (18 - 6 * c)) & 63];
  }
  return text;
}

/** UTF-8 bytes of a string, written out for the same reason (JSON.stringify leaves no lone surrogate behind). */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  const bytes: number[] = [];
  for (const character of text) {
    const code = character.codePointAt(0)!;
    if (code < 0x80) bytes.push(code);
    else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 63));
    else if (code < 0x10000) bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
    else bytes.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 63), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
  }
  return new Uint8Array(bytes);
}

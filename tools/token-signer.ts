import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';

/** The signature algorithms the gateway accepts. */
export const ALGORITHMS = ['RS256', 'ES256'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

/** A private signing key as a JWK, carrying the `kid` and `alg` of the tokens it signs. */
export type SigningJwk = JWK & { kid: string; alg: Algorithm };

export interface TokenOptions {
  admin?: boolean;
  /** Seconds from now; negative for a token that has already expired. */
  expiresIn?: number;
  audience?: string;
  issuer?: string;
  algorithm?: Algorithm;
}

interface SigningKey {
  jwk: SigningJwk;
  privateKey: CryptoKey;
}

const PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi']);

export async function generateSigningJwk(algorithm: Algorithm): Promise<SigningJwk> {
  const { privateKey } = await generateKeyPair(algorithm, { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: algorithm, use: 'sig' };
}

/** What a key set may publish of a signing key. */
export function publicJwk(jwk: SigningJwk): JWK {
  return Object.fromEntries(Object.entries(jwk).filter(([member]) => !PRIVATE_MEMBERS.has(member)));
}

async function signingKey(jwk: SigningJwk): Promise<SigningKey> {
  return { jwk, privateKey: (await importJWK(jwk, jwk.alg)) as CryptoKey };
}

/**
 * Signs access tokens as an OIDC provider would (`sub`, `roles`, `iss`, `aud`, `iat`, `exp`), with ES256 or RS256 keys
 * identified by their `kid`. The newest key of an algorithm signs.
 */
export class TokenSigner {
  readonly issuer = 'seatgrid-local-issuer';
  readonly audience = 'seatgrid-api';

  protected constructor(private readonly keys: SigningKey[]) {}

  /** A signer with the given keys, newest first, or with a new ES256 and a new RS256 key. */
  static async withKeys(jwks?: SigningJwk[]): Promise<TokenSigner> {
    return new TokenSigner(await TokenSigner.importKeys(jwks));
  }

  protected static async importKeys(jwks?: SigningJwk[]): Promise<SigningKey[]> {
    const chosen = jwks ?? (await Promise.all(ALGORITHMS.map(generateSigningJwk)));
    return Promise.all(chosen.map(signingKey));
  }

  /** The public keys, as the provider's JWKS endpoint publishes them. */
  get keySet(): { keys: JWK[] } {
    return { keys: this.keys.map((key) => publicJwk(key.jwk)) };
  }

  /** The private key that signs `algorithm` tokens now, e.g. for k6's AUTH_SIGNING_KEY. */
  signingJwk(algorithm: Algorithm): SigningJwk {
    return this.keyFor(algorithm).jwk;
  }

  /** A new key (a new `kid`) that tokens signed from now on use. */
  async addKey(algorithm: Algorithm): Promise<void> {
    this.keys.unshift(await signingKey(await generateSigningJwk(algorithm)));
  }

  sign(subject: string, { admin = false, expiresIn = 600, audience = this.audience, issuer = this.issuer, algorithm = 'ES256' }: TokenOptions = {}): Promise<string> {
    const key = this.keyFor(algorithm);
    return new SignJWT({ roles: admin ? ['admin'] : ['buyer'] })
      .setProtectedHeader({ alg: algorithm, kid: key.jwk.kid })
      .setSubject(subject)
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn)
      .sign(key.privateKey);
  }

  private keyFor(algorithm: Algorithm): SigningKey {
    const key = this.keys.find((candidate) => candidate.jwk.alg === algorithm);
    if (!key) throw new Error(`no ${algorithm} key to sign with`);
    return key;
  }
}

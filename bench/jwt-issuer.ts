import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

type Algorithm = 'ES256' | 'RS256';

export interface TokenOptions {
  admin?: boolean;
  /** Seconds from now; negative for a token that has already expired. */
  expiresIn?: number;
  audience?: string;
  issuer?: string;
  algorithm?: Algorithm;
}

interface SigningKey {
  algorithm: Algorithm;
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/**
 * A local OIDC-style issuer for tests, the bench and k6: it serves its key set (JWKS) over HTTP and signs access
 * tokens with ES256 or RS256. Keys can be added while it runs, as a provider rotating its keys would.
 */
export class JwtIssuer {
  readonly issuer = 'seatgrid-local-issuer';
  readonly audience = 'seatgrid';
  private readonly keys: SigningKey[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<JwtIssuer> {
    const server = createServer();
    const issuer = new JwtIssuer(server);
    await issuer.addKey('ES256');
    await issuer.addKey('RS256');
    server.on('request', (_, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: issuer.keys.map((key) => key.publicJwk) }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return issuer;
  }

  get jwksUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/jwks.json`;
  }

  /** The environment of a gateway that trusts this issuer. */
  get gatewayEnv(): Record<string, string> {
    return { AUTH_MODE: 'jwt', AUTH_JWKS_URL: this.jwksUrl, AUTH_ISSUER: this.issuer, AUTH_AUDIENCE: this.audience };
  }

  /** A new key (a new `kid`) that tokens signed from now on use. */
  async addKey(algorithm: Algorithm): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair(algorithm, { extractable: true });
    const kid = randomUUID();
    this.keys.unshift({ algorithm, kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: algorithm, use: 'sig' } });
  }

  sign(subject: string, { admin = false, expiresIn = 600, audience = this.audience, issuer = this.issuer, algorithm = 'ES256' }: TokenOptions = {}): Promise<string> {
    const key = this.keys.find((candidate) => candidate.algorithm === algorithm)!;
    return new SignJWT({ roles: admin ? ['admin'] : ['buyer'] })
      .setProtectedHeader({ alg: algorithm, kid: key.kid })
      .setSubject(subject)
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn)
      .sign(key.privateKey);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

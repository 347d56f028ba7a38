import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type SigningJwk, TokenSigner } from './token-signer.js';

export interface IssuerOptions {
  /** Keys to sign with, newest first; a new ES256 and a new RS256 key when none are given. */
  keys?: SigningJwk[];
  /** 0 takes any free port. */
  port?: number;
}

/**
 * A local OIDC-style issuer for tests, the bench, k6 and development (`npm run issuer`): it serves its key set (JWKS)
 * over HTTP and signs access tokens. Keys can be added while it runs, as a provider rotating its keys would.
 */
export class JwtIssuer extends TokenSigner {
  private readonly server: Server = createServer((_, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.keySet));
  });

  static async start({ keys, port = 0 }: IssuerOptions = {}): Promise<JwtIssuer> {
    const issuer = new JwtIssuer(await TokenSigner.importKeys(keys));
    await new Promise<void>((resolve, reject) => issuer.server.once('error', reject).listen(port, '127.0.0.1', resolve));
    return issuer;
  }

  get jwksUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/jwks.json`;
  }

  /** The environment of a gateway that trusts this issuer. */
  get gatewayEnv(): Record<string, string> {
    return { AUTH_MODE: 'jwt', AUTH_JWKS_URL: this.jwksUrl, AUTH_ISSUER: this.issuer, AUTH_AUDIENCE: this.audience };
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID, webcrypto } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { jwtSigner, parseSigningJwk } from '../k6/lib/jwt.js';
import { GatewayClient } from './support/api.js';
import { freePort, TestEnvironment, waitFor } from './support/test-system.js';

const run = promisify(execFile);

/**
 * The jwt quick start of the README: `npm run issuer` prints the gateway's AUTH_* settings and serves the key set,
 * `npm run token` signs buyers' and admins' tokens, and so does k6 with the key the issuer keeps. No inventory runs:
 * 404 for an unknown booking (rather than 401) is the gateway accepting who the token says the caller is.
 */
describe('the development token issuer (npm run issuer, npm run token) and the k6 signer', () => {
  let keysDir: string;
  let issuerProcess: ChildProcess;
  let gatewayEnv: Record<string, string>;
  let env: TestEnvironment;
  let api: GatewayClient;

  const devToken = async (...args: string[]) => (await run(process.execPath, ['dist/tools/dev-token.js', ...args], { env: { ...process.env, ISSUER_DIR: keysDir } })).stdout.trim();
  const asBearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const createEvent = (token: string) => api.request('POST', '/events', { body: { name: 'Issued', rows: 1, cols: 1 }, headers: asBearer(token) });
  const unknownBooking = (token: string) => api.request('GET', `/bookings/${randomUUID()}`, { headers: asBearer(token) });

  beforeAll(async () => {
    keysDir = join(await mkdtemp(join(tmpdir(), 'seatgrid-issuer-')), 'keys');
    // As `npm run issuer` and `npm run token` do before they run.
    await run(process.execPath, ['node_modules/typescript/bin/tsc', '-b', 'tools']);
    issuerProcess = spawn(process.execPath, ['dist/tools/dev-issuer.js'], { env: { ...process.env, ISSUER_DIR: keysDir, ISSUER_PORT: String(await freePort()) } });
    let printed = '';
    issuerProcess.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    await waitFor(() => printed.includes('npm start'), 'the issuer to print the gateway settings');
    const gatewayLine = printed.split('\n').find((line) => line.includes('npm start'))!;
    gatewayEnv = Object.fromEntries([...gatewayLine.matchAll(/(AUTH_\w+)=(\S+)/g)].map(([, name, value]) => [name, value]));
    env = new TestEnvironment(gatewayEnv);
    await env.migrate();
    api = new GatewayClient((await env.start('gateway')).url);
  });
  afterAll(async () => {
    await env?.destroy();
    issuerProcess?.kill('SIGTERM');
    await rm(join(keysDir, '..'), { recursive: true, force: true });
  });

  it('should print the settings of a gateway in jwt mode that trusts its key set', () => {
    expect(Object.keys(gatewayEnv).sort()).toEqual(['AUTH_AUDIENCE', 'AUTH_ISSUER', 'AUTH_JWKS_URL', 'AUTH_MODE']);
    expect(gatewayEnv.AUTH_MODE).toBe('jwt');
  });

  it("should sign tokens the gateway accepts: an admin's creates events, a buyer's identifies the buyer but may not", async () => {
    expect((await createEvent(await devToken('ops', '--admin'))).status).toBe(201);
    const buyer = await devToken('alice', '--alg', 'ES256');
    expect((await unknownBooking(buyer)).status).toBe(404);
    expect((await createEvent(buyer)).status).toBe(403);
    expect((await unknownBooking('not-a-token')).status).toBe(401);
  });

  it.each(['RS256', 'ES256'])('should accept the %s tokens k6 signs with the key the issuer keeps', async (algorithm) => {
    const key = parseSigningJwk(await readFile(join(keysDir, `${algorithm}.jwk.json`), 'utf8'), 'AUTH_SIGNING_KEY');
    const sign = await jwtSigner(webcrypto.subtle, key);
    const iat = Math.floor(Date.now() / 1000);
    const claims = { iss: gatewayEnv.AUTH_ISSUER, aud: gatewayEnv.AUTH_AUDIENCE, iat, exp: iat + 600 };
    expect((await unknownBooking(await sign({ ...claims, sub: 'k6-buyer', roles: ['buyer'] }))).status).toBe(404);
    expect((await createEvent(await sign({ ...claims, sub: 'k6-admin', roles: ['admin'] }))).status).toBe(201);
  });
});

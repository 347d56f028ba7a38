import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { GatewayClient } from './support/api.js';
import { TestEnvironment } from './support/test-system.js';

const GATEWAY = 'dist/apps/gateway/apps/gateway/src/main.js';

/** Runs the built gateway with only `env`: a refused configuration stops it before it connects to anything. */
const runGateway = (env: Record<string, string>) =>
  spawnSync(process.execPath, [GATEWAY], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 20_000 });

describe('a production gateway', () => {
  const token = randomBytes(24).toString('hex');

  it('should refuse to start without ADMIN_TOKEN, naming it', () => {
    const result = runGateway({ NODE_ENV: 'production', AUTH_MODE: 'header' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('ADMIN_TOKEN');
  });

  it('should refuse to start without an explicit AUTH_MODE, naming it but not the token', () => {
    const result = runGateway({ NODE_ENV: 'production', ADMIN_TOKEN: token });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('AUTH_MODE');
    expect(result.stderr).not.toContain(token);
  });

  describe('with both set', () => {
    const env = new TestEnvironment();
    let api: GatewayClient;

    beforeAll(async () => {
      await env.migrate();
      api = new GatewayClient((await env.start('gateway', { NODE_ENV: 'production', AUTH_MODE: 'header', ADMIN_TOKEN: token })).url, token);
    });
    afterAll(() => env.destroy());

    it('should start and keep event creation to the token holder', async () => {
      expect((await api.request('POST', '/events', { body: { name: 'Open?', rows: 1, cols: 1 } })).status).toBe(401);
      expect((await api.createEvent(1, 1)).id).toEqual(expect.any(Number));
    });

    it('should start the inventory without the gateway-only settings', async () => {
      const inventory = await env.start('inventory', { NODE_ENV: 'production' });
      expect(inventory.running).toBe(true);
    });
  });
});

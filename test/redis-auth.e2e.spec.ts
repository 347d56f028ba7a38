import { Redis } from 'ioredis';
import { GatewayClient } from './support/api.js';
import { PrivateRedis } from './support/private-redis.js';
import { TestEnvironment, waitFor } from './support/test-system.js';

// A redis-server of this test's own that demands a password, with an ACL user besides the default user.
describe('Redis with AUTH and an ACL user', () => {
  // Characters that must be percent-encoded in a URL: the apps have to decode them.
  const auth = { user: 'seatgrid', password: 's3cr#t/p@ss:word' };
  const env = new TestEnvironment();
  let redis: PrivateRedis;
  let admin: Redis;

  beforeAll(async () => {
    redis = await PrivateRedis.start(auth);
    admin = new Redis(redis.url);
    await env.migrate();
  });
  afterAll(async () => {
    admin.disconnect();
    await env.destroy();
    await redis.stop();
  });

  const gatewayWith = async (redisUrl: string) => new GatewayClient((await env.start('gateway', { REDIS_URL: redisUrl })).url);
  const readiness = async (api: GatewayClient) => (await api.request('GET', '/health/ready')).body;

  it.each([
    ['the default user', () => redis.urlFor({ password: auth.password })],
    ['an ACL user', () => redis.url],
  ])('should report Redis up when REDIS_URL has the password of %s', async (_, redisUrl) => {
    const api = await gatewayWith(redisUrl());
    await waitFor(async () => (await readiness(api)).status === 'ok', 'readiness to say ok');
    expect((await readiness(api)).details.redis).toEqual({ status: 'up' });
  });

  it('should stay ready but degraded when the password is wrong', async () => {
    await admin.call('ACL', 'LOG', 'RESET');
    const api = await gatewayWith(redis.urlFor({ ...auth, password: 'not-the-password' }));
    await waitFor(async () => ((await admin.call('ACL', 'LOG')) as unknown[]).length > 0, "Redis to refuse the gateway's password");
    const reply = await api.request('GET', '/health/ready');
    expect([reply.status, reply.body.status, reply.body.details.redis]).toEqual([200, 'degraded', { status: 'down' }]);
  });
});

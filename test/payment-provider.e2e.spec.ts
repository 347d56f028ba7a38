import { MockPaymentProvider } from '@app/payment';
import { TestEnvironment } from './support/test-system.js';

describe(MockPaymentProvider.name, () => {
  const env = new TestEnvironment();
  const options = () => ({ databaseUrl: env.config.database.url, latencyMs: 1, failureRate: 0, hangRate: 0 });
  beforeAll(() => env.migrate());
  afterAll(() => env.destroy());

  it('should charge once however often a key is charged', async () => {
    const provider = new MockPaymentProvider(options());
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => provider.charge('key-once', 5000)));
    expect(outcomes).toEqual(Array(5).fill('CHARGED'));
    expect(await env.sql('SELECT status, amount_cents, attempts FROM payments WHERE idempotency_key = $1', ['key-once'])).toEqual([{ status: 'CHARGED', amount_cents: 5000, attempts: 5 }]);
    await provider.close();
  });

  it('should keep its records across a restart', async () => {
    const before = new MockPaymentProvider(options());
    await before.charge('key-restart', 100);
    await before.close();
    const after = new MockPaymentProvider({ ...options(), failureRate: 1 });
    expect(await after.getStatus('key-restart')).toBe('CHARGED');
    expect(await after.charge('key-restart', 100)).toBe('CHARGED');
    expect(await after.refund('key-restart')).toBe('REFUNDED');
    expect(await after.refund('key-restart')).toBe('REFUNDED');
    expect(await after.refund('never-charged')).toBe('NONE');
    await after.close();
  });

  it('should decline and hang as configured, reproducibly with a seed', async () => {
    const seeded = () => new MockPaymentProvider({ ...options(), failureRate: 0.5, seed: 'fixed' });
    const [first, second] = [seeded(), seeded()];
    const keys = Array.from({ length: 20 }, (_, i) => `seeded-${i}`);
    const outcomes = await Promise.all(keys.map((key) => first.charge(key, 1)));
    expect(new Set(outcomes)).toEqual(new Set(['CHARGED', 'DECLINED']));
    await env.sql('DELETE FROM payments WHERE idempotency_key LIKE $1', ['seeded-%']);
    expect(await Promise.all(keys.map((key) => second.charge(key, 1)))).toEqual(outcomes);

    const hanging = new MockPaymentProvider({ ...options(), hangRate: 1 });
    const answer = await Promise.race([hanging.charge('hangs', 1), new Promise((resolve) => setTimeout(() => resolve('no answer'), 300))]);
    expect(answer).toBe('no answer');
    await Promise.all([first.close(), second.close(), hanging.close()]);
  });
});

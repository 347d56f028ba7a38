import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '@app/database';
import { MockPaymentProvider } from '@app/payment';
import { TestEnvironment } from './support/test-system.js';

describe(MockPaymentProvider.name, () => {
  const env = new TestEnvironment();
  let dataSource: DataSource;
  const provider = (options: Partial<ConstructorParameters<typeof MockPaymentProvider>[1]> = {}) =>
    new MockPaymentProvider(dataSource, { latencyMs: 1, failureRate: 0, hangRate: 0, ...options });
  const ledger = (key: string) => env.sql('SELECT status, amount_cents, attempts FROM payments WHERE idempotency_key = $1', [key]);

  beforeAll(async () => {
    await env.migrate();
    dataSource = await new DataSource(buildDataSourceOptions(env.config, { poolSize: 4 })).initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await env.destroy();
  });

  it('should charge once however often a key is charged, counting every attempt', async () => {
    const charging = provider();
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => charging.charge('key-once', 5000)));
    expect(outcomes).toEqual(Array(5).fill('CHARGED'));
    expect(await ledger('key-once')).toEqual([{ status: 'CHARGED', amount_cents: 5000, attempts: 5 }]);
  });

  it('should answer what the ledger recorded, whatever a later instance would decide', async () => {
    await provider().charge('key-restart', 100);
    const declining = provider({ failureRate: 1 });
    expect(await declining.charge('key-restart', 100)).toBe('CHARGED');
    expect(await declining.refund('key-restart')).toBe('REFUNDED');
    expect(await declining.refund('key-restart')).toBe('REFUNDED');
    expect(await declining.refund('never-charged')).toBe('NONE');
    expect(await ledger('key-restart')).toEqual([{ status: 'REFUNDED', amount_cents: 100, attempts: 2 }]);
  });

  it('should decline a charge that lands after its key was refunded uncharged', async () => {
    const charging = provider();
    expect(await charging.refund('key-late')).toBe('NONE');
    expect(await charging.charge('key-late', 700)).toBe('DECLINED');
    expect(await charging.refund('key-late')).toBe('NONE');
    expect(await ledger('key-late')).toEqual([{ status: 'VOIDED', amount_cents: 0, attempts: 1 }]);
  });

  it('should record charges that arrive together, each with its own outcome', async () => {
    const keys = Array.from({ length: 50 }, (_, i) => `window-${i}`);
    const seeded = provider({ failureRate: 0.5, seed: 'window' });
    const outcomes = await Promise.all(keys.map((key) => seeded.charge(key, 10)));
    const rows = await env.sql<{ idempotency_key: string; status: string }>('SELECT idempotency_key, status FROM payments WHERE idempotency_key LIKE $1', ['window-%']);
    expect(new Map(rows.map((row) => [row.idempotency_key, row.status]))).toEqual(new Map(keys.map((key, i) => [key, outcomes[i]])));
  });

  it('should decline and hang as configured, reproducibly with a seed', async () => {
    const keys = Array.from({ length: 20 }, (_, i) => `seeded-${i}`);
    const outcomes = await Promise.all(keys.map((key) => provider({ failureRate: 0.5, seed: 'fixed' }).charge(key, 1)));
    expect(new Set(outcomes)).toEqual(new Set(['CHARGED', 'DECLINED']));
    await env.sql('DELETE FROM payments WHERE idempotency_key LIKE $1', ['seeded-%']);
    expect(await Promise.all(keys.map((key) => provider({ failureRate: 0.5, seed: 'fixed' }).charge(key, 1)))).toEqual(outcomes);

    const answer = await Promise.race([provider({ hangRate: 1 }).charge('hangs', 1), new Promise((resolve) => setTimeout(() => resolve('no answer'), 300))]);
    expect(answer).toBe('no answer');
  });
});

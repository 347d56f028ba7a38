import { spawnSync } from 'node:child_process';
import { migrateDatabase } from '@app/database';
import { PAYMENT_MIGRATIONS } from '@app/payment';
import { TestEnvironment } from './support/test-system.js';

describe('start-up', () => {
  const env = new TestEnvironment();
  afterAll(() => env.destroy());

  it('should create a missing database and apply migrations once', async () => {
    expect(await migrateDatabase(env.config, PAYMENT_MIGRATIONS)).toEqual([
      'BookingCore1763900000000',
      'BookingSaga1763910000000',
      'PaymentLedger1763910000001',
      'BookingTrace1763920000000',
      'DecidedAtOutboxPruned1764200000000',
      'BuyerCaps1764300000000',
      'Waitlist1764500000000',
      'SeatDemand1764500000001',
      'EventAdmissionRate1764600000000',
      'InventoryMembers1764700000000',
      'DistributionLayout1764800000000',
      'PaymentVoids1764900000001',
    ]);
    expect(await migrateDatabase(env.config, PAYMENT_MIGRATIONS)).toEqual([]);
    const tables = await env.sql<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`);
    expect(tables.map((table) => table.table_name)).toEqual(expect.arrayContaining(['bookings', 'events', 'seats', 'outbox', 'idempotency_keys', 'payments', 'waitlist', 'seat_demand', 'event_demand']));
  });

  it('should stop an app whose configuration is invalid, naming every bad variable', () => {
    const result = spawnSync(process.execPath, ['dist/apps/gateway/apps/gateway/src/main.js'], {
      env: { PATH: process.env.PATH, GATEWAY_PORT: 'http', RABBITMQ_URL: 'localhost', BOOKING_BATCH_SIZE: '0' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    for (const name of ['GATEWAY_PORT', 'RABBITMQ_URL', 'BOOKING_BATCH_SIZE']) expect(result.stderr).toContain(name);
  });
});

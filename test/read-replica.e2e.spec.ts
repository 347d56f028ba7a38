import { Redis } from 'ioredis';
import { Client } from 'pg';
import { GatewayClient } from './support/api.js';
import { metricValue } from './support/metrics.js';
import { PostgresCluster } from './support/postgres-cluster.js';
import { type RunningApp, SERVICES, TestEnvironment, waitFor } from './support/test-system.js';

const DATABASE = 'seatgrid';

/** Runs one statement on a cluster (its own connection, so that the server's statistics are flushed when it ends). */
async function on<T = Record<string, unknown>>(cluster: PostgresCluster, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: cluster.url(DATABASE) });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Scans of the seats table that the replica itself has counted, on the partitions read: only the gateway's stale reads query it there. */
const SEAT_SCANS = `SELECT sum(seq_scan + coalesce(idx_scan, 0)) AS scans FROM pg_stat_user_tables WHERE relid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'seats'::regclass)`;
const seatScansOn = async (replica: PostgresCluster) => Number((await on<{ scans: string }>(replica, SEAT_SCANS))[0].scans);

/** The last statement of each connection the gateway's stale reads hold open on the replica (its pg_stat_activity). */
const lastQueriesOfReads = async (replica: PostgresCluster) =>
  (await on<{ query: string }>(replica, `SELECT query FROM pg_stat_activity WHERE application_name = 'seatgrid-stale-reads'`)).map((row) => row.query);

const readiness = async (gateway: RunningApp) => (await fetch(`${gateway.url}/health/ready`)).json() as Promise<{ status: string; details: { replica: { status: string; lagSeconds?: number } } }>;
const servedBy = (gateway: RunningApp, target: 'replica' | 'primary') => metricValue(gateway.url, 'seatgrid_db_stale_reads_total', { served_by: target });

describe('read replica', () => {
  let primary: PostgresCluster;
  let replica: PostgresCluster;
  let env: TestEnvironment;
  let api: GatewayClient;
  let gateway: RunningApp;
  const redis = new Redis(SERVICES.REDIS);

  beforeAll(async () => {
    primary = await PostgresCluster.primary();
    replica = await PostgresCluster.replicaOf(primary);
    env = new TestEnvironment({ DATABASE_URL: primary.url(DATABASE), DATABASE_REPLICA_URL: replica.url(DATABASE), DATABASE_REPLICA_MAX_LAG_SECONDS: '2' });
    await env.migrate();
    await env.start('inventory');
    gateway = await env.start('gateway');
    api = new GatewayClient(gateway.url);
    await waitFor(async () => (await readiness(gateway)).details.replica.status === 'up', 'the replica to be in use');
  }, 60_000);

  afterAll(async () => {
    redis.disconnect();
    await env.destroy();
    replica.destroy();
    primary.destroy();
  });

  it('should serve event stats and final booking views from the replica, as its own statistics show', async () => {
    const event = await api.createEvent(2, 3);
    const booking = await api.book('alice', { eventId: event.id, seats: [{ row: 1, col: 1 }] });
    await api.waitForDecision(booking.body.bookingId);
    expect((await api.request('DELETE', `/bookings/${booking.body.bookingId}`, { headers: { 'x-user-id': 'alice' } })).body.status).toBe('CANCELLED');
    await waitFor(async () => (await on(replica, `SELECT 1 FROM bookings WHERE id = '${booking.body.bookingId}' AND status = 'CANCELLED'`)).length === 1, 'the replica to replay the cancellation');
    const scansBefore = await seatScansOn(replica);
    const replicaReads = await servedBy(gateway, 'replica');

    expect(await api.stats(event.id)).toMatchObject({ seats: { available: 6, held: 0, booked: 0 }, bookings: { CANCELLED: 1 } });
    expect(await lastQueriesOfReads(replica)).toContainEqual(expect.stringContaining('FROM seats WHERE event_id = $1 GROUP BY status'));
    await redis.del(`${env.name}:booking:${booking.body.bookingId}`); // the view cache would answer first
    expect((await api.booking(booking.body.bookingId)).body).toMatchObject({ status: 'CANCELLED' });
    expect(await lastQueriesOfReads(replica)).toContainEqual(expect.stringContaining('FROM bookings WHERE id = $1'));

    expect(await servedBy(gateway, 'replica')).toBeGreaterThanOrEqual(replicaReads + 3);
    await waitFor(async () => (await seatScansOn(replica)) > scansBefore, 'the replica to count the scans of the stats query', 30_000);
    expect(await readiness(gateway)).toMatchObject({ status: 'ok', details: { replica: { status: 'up' } } });
    expect(await metricValue(gateway.url, 'seatgrid_db_replica_lag_seconds')).toBeLessThan(2);
  }, 90_000);

  it('should fall back to the primary while the replica lags, and return to it once it has caught up', async () => {
    await on(replica, 'SELECT pg_wal_replay_pause()');
    try {
      const event = await api.createEvent(3, 3); // the replica does not replay it
      await waitFor(async () => (await readiness(gateway)).details.replica.status === 'degraded', 'the lag to exceed its bound', 15_000);
      const ready = await fetch(`${gateway.url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'degraded', details: { replica: { status: 'degraded' } } });
      expect(await metricValue(gateway.url, 'seatgrid_db_replica_lag_seconds')).toBeGreaterThan(2);

      const primaryReads = await servedBy(gateway, 'primary');
      expect((await api.stats(event.id)).seats).toEqual({ available: 9, held: 0, booked: 0 });
      expect(await servedBy(gateway, 'primary')).toBeGreaterThan(primaryReads);
    } finally {
      await on(replica, 'SELECT pg_wal_replay_resume()');
    }
    await waitFor(async () => (await readiness(gateway)).details.replica.status === 'up', 'the replica to catch up', 15_000);
  });

  it('should keep answering from the primary while the replica is down, and stay ready', async () => {
    const event = await api.createEvent(1, 4);
    replica.stop('immediate');
    try {
      const primaryReads = await servedBy(gateway, 'primary');
      expect((await api.stats(event.id)).seats).toEqual({ available: 4, held: 0, booked: 0 });
      expect((await api.request('GET', `/events/${event.id}`)).status).toBe(200);
      expect(await servedBy(gateway, 'primary')).toBeGreaterThan(primaryReads);
      await waitFor(async () => (await readiness(gateway)).details.replica.status === 'degraded', 'readiness to report the replica degraded');
      const ready = await fetch(`${gateway.url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(((await ready.json()) as { details: { replica: { message: string } } }).details.replica.message).toMatch(/unreachable/);
    } finally {
      replica.start();
    }
    await waitFor(async () => (await readiness(gateway)).details.replica.status === 'up', 'the restarted replica to be used again', 20_000);
  });
});

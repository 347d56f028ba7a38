import { DataSource } from 'typeorm';
import { buildDataSourceOptions, ensureDatabase, migrateDatabase, MIGRATIONS } from '@app/database';
import { DistributionLayout1764800000000 } from '@app/database/migrations/1764800000000-distribution-layout.js';
import { TestEnvironment } from './support/test-system.js';

/** The tables that grow with bookings: hash-partitioned by event, the layout Citus distributes (docs/scaling.md). */
const BY_EVENT = ['bookings', 'outbox', 'seats', 'waitlist'];
const ALL = [...BY_EVENT, 'idempotency_keys'];

interface Partitioning {
  table: string;
  strategy: string;
  key: string;
  partitions: number;
}

const partitioningOf = (env: TestEnvironment) =>
  env.sql<Partitioning>(
    `SELECT c.relname AS table, p.partstrat AS strategy, a.attname AS key, (SELECT count(*)::int FROM pg_inherits i WHERE i.inhparent = c.oid) AS partitions
     FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = p.partattrs[0]
     WHERE c.relname = ANY($1) ORDER BY 1`,
    [ALL],
  );

/** Primary, unique and foreign keys of tables with an event_id column, with their columns in order. */
const keysOfEventTables = (env: TestEnvironment) =>
  env.sql<{ table: string; name: string; type: string; columns: string[] }>(
    `SELECT c.relname AS table, k.conname AS name, k.contype AS type, array_agg(a.attname::text ORDER BY u.ord) AS columns
     FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid AND c.relkind IN ('r', 'p') AND NOT c.relispartition
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
       CROSS JOIN unnest(k.conkey) WITH ORDINALITY AS u(attnum, ord) JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = u.attnum
     WHERE k.contype IN ('p', 'u', 'f') AND EXISTS (SELECT 1 FROM pg_attribute e WHERE e.attrelid = c.oid AND e.attname = 'event_id')
     GROUP BY 1, 2, 3 ORDER BY 1, 2`,
  );

/** Index definitions and CHECK constraints of the tables, the way to compare them before and after partitioning. */
async function schemaOf(env: TestEnvironment): Promise<{ indexes: string[]; checks: string[] }> {
  const indexes = await env.sql<{ def: string }>(`SELECT replace(indexdef, ' ON ONLY ', ' ON ') AS def FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY($1)`, [ALL]);
  const checks = await env.sql<{ def: string }>(
    `SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE contype = 'c' AND conrelid::regclass::text = ANY($1)`,
    [ALL],
  );
  return { indexes: indexes.map((row) => row.def).sort(), checks: checks.map((row) => row.def).sort() };
}

describe('distribution layout', () => {
  describe('of a freshly migrated database', () => {
    const env = new TestEnvironment();
    beforeAll(() => env.migrate());
    afterAll(() => env.destroy());

    it('should hash-partition every table that grows with bookings by event_id', async () => {
      const partitioned = await partitioningOf(env);
      expect(partitioned.filter((row) => BY_EVENT.includes(row.table))).toEqual(BY_EVENT.map((table) => ({ table, strategy: 'h', key: 'event_id', partitions: 16 })));
    });

    it('should partition idempotency keys by their buyer, whose key they are', async () => {
      expect((await partitioningOf(env)).find((row) => row.table === 'idempotency_keys')).toEqual({ table: 'idempotency_keys', strategy: 'h', key: 'user_id', partitions: 16 });
      const [key] = await env.sql<{ def: string }>(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'idempotency_keys'::regclass AND contype = 'p'`);
      expect(key.def).toBe('PRIMARY KEY (user_id, key)');
    });

    it('should carry event_id in every primary, unique and foreign key of a table that has the column', async () => {
      const keys = await keysOfEventTables(env);
      expect(keys.filter((key) => !key.columns.includes('event_id'))).toEqual([]);
      const primary = Object.fromEntries(keys.filter((key) => key.type === 'p').map((key) => [key.table, key.columns]));
      expect(primary).toMatchObject({ bookings: ['event_id', 'id'], outbox: ['event_id', 'id'], seats: ['event_id', 'seat_row', 'seat_col'], waitlist: ['event_id', 'id'] });
      const foreign = keys.filter((key) => key.type === 'f').map((key) => key.table);
      expect(foreign).toEqual(expect.arrayContaining(['bookings', 'seats', 'waitlist']));
    });

    it('should keep a lookup of bookings by id alone', async () => {
      const [index] = await env.sql<{ def: string }>(`SELECT indexdef AS def FROM pg_indexes WHERE tablename = 'bookings' AND indexname = 'bookings_id_idx'`);
      expect(index.def).toMatch(/USING btree \(id\)$/);
    });
  });

  describe('over a database that holds rows', () => {
    const env = new TestEnvironment();
    afterAll(() => env.destroy());

    const rowsOf = async (table: string) => (await env.sql<{ row: Record<string, unknown> }>(`SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY 1`)).map(({ row }) => row);

    it('should keep every row, constraint, index and sequence', async () => {
      await migrateBefore(env, DistributionLayout1764800000000);
      await seed(env);
      const before = Object.fromEntries(await Promise.all(ALL.map(async (table) => [table, await rowsOf(table)] as const)));
      const schemaBefore = await schemaOf(env);

      expect(await migrateDatabase(env.config)).toEqual(['DistributionLayout1764800000000']);

      for (const table of ALL.filter((name) => name !== 'outbox')) expect({ table, rows: await rowsOf(table) }).toEqual({ table, rows: before[table] });
      const outbox = await rowsOf('outbox');
      expect(outbox.map(({ event_id: _eventId, ...row }) => row)).toEqual(before.outbox);
      expect(outbox.map((row) => row.event_id)).toEqual(before.outbox.map((row) => (row.payload as { eventId: number }).eventId));

      const schemaAfter = await schemaOf(env);
      expect(schemaAfter.checks).toEqual(schemaBefore.checks);
      const rekeyed = (def: string) => /_pkey /.test(def) && /ON public\.(bookings|outbox) /.test(def);
      expect(schemaBefore.indexes.filter(rekeyed)).toHaveLength(2);
      expect(schemaAfter.indexes).toEqual(expect.arrayContaining(schemaBefore.indexes.filter((def) => !rekeyed(def))));

      const [entry] = await env.sql<{ id: string }>(`INSERT INTO waitlist (event_id, user_id, quantity) VALUES (2, 'late', 1) RETURNING id`);
      expect(Number(entry.id)).toBeGreaterThan(Math.max(...before.waitlist.map((row) => Number(row.id))));
      const [message] = await env.sql<{ id: string }>(`INSERT INTO outbox (event_id, event_type, routing_key, payload) VALUES (2, 'x', 'x', '{}') RETURNING id`);
      expect(Number(message.id)).toBeGreaterThan(Math.max(...before.outbox.map((row) => Number(row.id))));
    });
  });
});

/** Applies the migrations that come before `migration`, as a database deployed before it would have them. */
async function migrateBefore(env: TestEnvironment, migration: (typeof MIGRATIONS)[number]): Promise<void> {
  await ensureDatabase(env.config.database.url);
  const dataSource = await new DataSource(buildDataSourceOptions(env.config, { poolSize: 1, migrations: MIGRATIONS.slice(0, MIGRATIONS.indexOf(migration)) })).initialize();
  try {
    await dataSource.runMigrations();
  } finally {
    await dataSource.destroy();
  }
}

/** Rows of every kind the apps write: each booking status, seats held and sold, waitlist places, unsent outbox events, keys. */
async function seed(env: TestEnvironment): Promise<void> {
  await env.sql(`INSERT INTO events (name, rows, cols) SELECT 'event ' || n, 3, 4 FROM generate_series(1, 3) AS n`);
  await env.sql(`INSERT INTO seats (event_id, seat_row, seat_col) SELECT e, r, c FROM generate_series(1, 3) e, generate_series(1, 3) r, generate_series(1, 4) c`);
  await env.sql(`
    INSERT INTO bookings (id, event_id, user_id, status, requested_seats, quantity, seats, reason, amount_cents, hold_expires_at, payment_lease_until, refund_pending, trace_parent, decided_at, created_at)
    VALUES ('00000000-0000-4000-8000-000000000001', 1, 'ann', 'HELD', '[{"row":1,"col":1}]', NULL, '[{"row":1,"col":1}]', NULL, 2500, now() + interval '5 minutes', now() + interval '1 minute', false, '00-abc-def-01', now(), now()),
           ('00000000-0000-4000-8000-000000000002', 1, 'bob', 'CONFIRMED', NULL, 2, '[{"row":2,"col":1},{"row":2,"col":2}]', NULL, 5000, NULL, NULL, false, NULL, now(), now()),
           ('00000000-0000-4000-8000-000000000003', 2, 'cat', 'REJECTED', NULL, 20, '[]', 'not enough seats', 0, NULL, NULL, false, NULL, now(), now()),
           ('00000000-0000-4000-8000-000000000004', 2, 'dan', 'CANCELLED', NULL, NULL, '[]', 'cancelled by the buyer', 0, NULL, NULL, true, NULL, NULL, now()),
           ('00000000-0000-4000-8000-000000000005', 3, 'eve', 'PENDING', NULL, 1, '[]', NULL, 0, NULL, NULL, false, NULL, NULL, now())`);
  await env.sql(`UPDATE seats SET status = 'HELD', booking_id = '00000000-0000-4000-8000-000000000001' WHERE event_id = 1 AND seat_row = 1 AND seat_col = 1`);
  await env.sql(`UPDATE seats SET status = 'BOOKED', booking_id = '00000000-0000-4000-8000-000000000002' WHERE event_id = 1 AND seat_row = 2 AND seat_col IN (1, 2)`);
  await env.sql(`INSERT INTO waitlist (event_id, user_id, quantity) VALUES (1, 'fay', 2), (1, 'gus', 1), (2, 'hal', 3)`);
  await env.sql(`UPDATE waitlist SET status = 'BOOKED', booking_id = '00000000-0000-4000-8000-000000000001' WHERE user_id = 'fay'`);
  await env.sql(`
    INSERT INTO outbox (event_type, routing_key, payload, attempts)
    SELECT 'booking.' || lower(status), 'booking.' || lower(status) || '.' || event_id, jsonb_build_object('bookingId', id, 'eventId', event_id, 'status', status), 1 FROM bookings`);
  await env.sql(`INSERT INTO idempotency_keys (user_id, key, request_hash, booking_id, accepted) VALUES ('ann', 'k1', 'h1', '00000000-0000-4000-8000-000000000001', true), ('bob', 'k1', 'h2', '00000000-0000-4000-8000-000000000002', false)`);
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Enough to spread the hot events of an on-sale, few enough that a query over all of them stays cheap. */
const PARTITIONS = 16;

/** A table rebuilt as a hash-partitioned one: its key, then what the rebuilt table gets once it has the name back. */
interface Layout {
  table: string;
  partitionKey: string;
  /** Primary key, unique keys and foreign keys, added after the copy (their indexes take the old tables' names). */
  keys: string[];
  indexes: string[];
  /** A bigserial column. */
  serial?: string;
  /** An identity column: its values are copied as they are. */
  identity?: string;
}

/**
 * Every table that grows with bookings becomes hash-partitioned by event_id, with event_id in its primary key and
 * foreign keys: the layout Citus distributes by event_id with one `create_distributed_table` per table (docs/scaling.md).
 * The outbox gets event_id too: its rows are written in the bookings' own statements, which stay on one node only if
 * it is co-located with them. Idempotency keys belong to a buyer, not to an event: partitioned by user_id.
 *
 * Each table is rebuilt (new partitioned table, rows copied, names swapped) inside this migration's transaction, so a
 * database holding rows keeps them; columns, defaults and CHECK constraints come from the old table (`LIKE`), and
 * every index is created again under its old name.
 */
export class DistributionLayout1764800000000 implements MigrationInterface {
  name = 'DistributionLayout1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE outbox ADD COLUMN event_id bigint`);
    await queryRunner.query(`UPDATE outbox SET event_id = (payload->>'eventId')::bigint`);
    await queryRunner.query(`ALTER TABLE outbox ALTER COLUMN event_id SET NOT NULL`);
    for (const layout of LAYOUTS) await rebuild(queryRunner, layout, true);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const layout of [...LAYOUTS].reverse()) await rebuild(queryRunner, layout, false);
    await queryRunner.query(`ALTER TABLE outbox DROP CONSTRAINT outbox_pkey, ADD CONSTRAINT outbox_pkey PRIMARY KEY (id)`);
    await queryRunner.query(`ALTER TABLE outbox DROP COLUMN event_id`);
    await queryRunner.query(`ALTER TABLE bookings DROP CONSTRAINT bookings_pkey, ADD CONSTRAINT bookings_pkey PRIMARY KEY (id)`);
    await queryRunner.query(`DROP INDEX bookings_id_idx, outbox_id_idx`);
  }
}

const EVENT_FOREIGN_KEY = (table: string) => `ALTER TABLE ${table} ADD CONSTRAINT ${table}_event_id_fkey FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE`;

const LAYOUTS: Layout[] = [
  {
    table: 'seats',
    partitionKey: 'event_id',
    keys: [`ALTER TABLE seats ADD CONSTRAINT seats_pkey PRIMARY KEY (event_id, seat_row, seat_col)`, EVENT_FOREIGN_KEY('seats')],
    indexes: [
      `CREATE INDEX seats_available_idx ON seats (event_id, seat_row, seat_col) WHERE status = 'AVAILABLE'`,
      `CREATE INDEX seats_booking_idx ON seats (booking_id) WHERE booking_id IS NOT NULL`,
    ],
  },
  {
    table: 'bookings',
    partitionKey: 'event_id',
    keys: [`ALTER TABLE bookings ADD CONSTRAINT bookings_pkey PRIMARY KEY (event_id, id)`, EVENT_FOREIGN_KEY('bookings')],
    indexes: [
      // GET /bookings/{id} knows the id alone: one probe per partition.
      `CREATE INDEX bookings_id_idx ON bookings (id)`,
      `CREATE INDEX bookings_event_status_idx ON bookings (event_id, status)`,
      `CREATE INDEX bookings_held_idx ON bookings (hold_expires_at) WHERE status = 'HELD'`,
      `CREATE INDEX bookings_refund_pending_idx ON bookings (id) WHERE refund_pending`,
      `CREATE INDEX bookings_buyer_tickets_idx ON bookings (event_id, user_id) WHERE status IN ('HELD', 'CONFIRMED')`,
    ],
  },
  {
    table: 'waitlist',
    partitionKey: 'event_id',
    keys: [
      `ALTER TABLE waitlist ADD CONSTRAINT waitlist_pkey PRIMARY KEY (event_id, id), ADD CONSTRAINT waitlist_one_place_per_buyer UNIQUE (event_id, user_id)`,
      EVENT_FOREIGN_KEY('waitlist'),
    ],
    indexes: [
      `CREATE INDEX waitlist_waiting_idx ON waitlist (event_id, id) WHERE status = 'WAITING'`,
      `CREATE INDEX waitlist_booking_idx ON waitlist (booking_id) WHERE booking_id IS NOT NULL`,
    ],
    identity: 'id',
  },
  {
    table: 'outbox',
    partitionKey: 'event_id',
    keys: [`ALTER TABLE outbox ADD CONSTRAINT outbox_pkey PRIMARY KEY (event_id, id)`],
    indexes: [
      `CREATE INDEX outbox_due_idx ON outbox (next_attempt_at, id)`,
      // The relay takes the oldest rows of all partitions: merged in id order from these, a batch reads only itself.
      `CREATE INDEX outbox_id_idx ON outbox (id)`,
    ],
    serial: 'id',
  },
  {
    table: 'idempotency_keys',
    partitionKey: 'user_id',
    keys: [`ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_pkey PRIMARY KEY (user_id, key)`],
    indexes: [`CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at)`],
  },
];

/**
 * Rebuilds the table under its own name, hash-partitioned by its key or (`partitioned` false, for down) plain again:
 * the rows are copied, every key and index is added once the old table and its index names are gone.
 */
async function rebuild(queryRunner: QueryRunner, layout: Layout, partitioned: boolean): Promise<void> {
  const { table, partitionKey, keys, indexes, identity } = layout;
  const next = `${table}_next`;
  const partitioning = partitioned ? ` PARTITION BY HASH (${partitionKey})` : '';
  await queryRunner.query(`CREATE TABLE ${next} (LIKE ${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY INCLUDING STORAGE)${partitioning}`);
  for (let remainder = 0; partitioned && remainder < PARTITIONS; remainder++) {
    await queryRunner.query(`CREATE TABLE ${table}_p${remainder} PARTITION OF ${next} FOR VALUES WITH (MODULUS ${PARTITIONS}, REMAINDER ${remainder})`);
  }
  await queryRunner.query(`INSERT INTO ${next} ${identity ? 'OVERRIDING SYSTEM VALUE ' : ''}SELECT * FROM ${table}`);
  await keepSequences(queryRunner, layout, next);
  await queryRunner.query(`DROP TABLE ${table}`);
  await queryRunner.query(`ALTER TABLE ${next} RENAME TO ${table}`);
  if (identity) await queryRunner.query(`ALTER SEQUENCE ${next}_${identity}_seq RENAME TO ${table}_${identity}_seq`);
  for (const statement of [...keys, ...indexes]) await queryRunner.query(statement);
  // Copied rows come without planner statistics, and autovacuum never analyses a partitioned table itself.
  await queryRunner.query(`ANALYZE ${table}`);
}

/** A serial column's default (copied by LIKE) keeps using the old sequence, which moves over; identity values go on where they were. */
async function keepSequences(queryRunner: QueryRunner, { table, serial, identity }: Layout, next: string): Promise<void> {
  if (serial) await queryRunner.query(`ALTER SEQUENCE ${table}_${serial}_seq OWNED BY ${next}.${serial}`);
  if (identity) {
    await queryRunner.query(`SELECT setval(pg_get_serial_sequence($1, $2), pg_sequence_last_value(pg_get_serial_sequence($3, $2)::regclass))`, [next, identity, table]);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

export class BookingSaga1763910000000 implements MigrationInterface {
  name = 'BookingSaga1763910000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE bookings DROP CONSTRAINT bookings_status_check`);
    await queryRunner.query(`ALTER TABLE bookings ADD CONSTRAINT bookings_status_check
      CHECK (status IN ('PENDING', 'HELD', 'CONFIRMED', 'REJECTED', 'FAILED', 'EXPIRED', 'CANCELLED'))`);
    // A cancellation can overtake its booking request in the queue: it then records a CANCELLED row without the request.
    await queryRunner.query(`ALTER TABLE bookings DROP CONSTRAINT bookings_one_kind_of_request`);
    await queryRunner.query(`
      ALTER TABLE bookings
        ADD COLUMN amount_cents int NOT NULL DEFAULT 0,
        ADD COLUMN hold_expires_at timestamptz,
        ADD COLUMN payment_lease_until timestamptz,
        ADD COLUMN refund_pending boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`CREATE INDEX bookings_held_idx ON bookings (hold_expires_at) WHERE status = 'HELD'`);
    await queryRunner.query(`CREATE INDEX bookings_refund_pending_idx ON bookings (id) WHERE refund_pending`);

    await queryRunner.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        event_type text NOT NULL,
        routing_key text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX outbox_unsent_idx ON outbox (next_attempt_at, id) WHERE sent_at IS NULL`);
    await queryRunner.query(`CREATE INDEX outbox_sent_idx ON outbox (sent_at) WHERE sent_at IS NOT NULL`);

    await queryRunner.query(`
      CREATE TABLE idempotency_keys (
        user_id text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        booking_id uuid NOT NULL,
        accepted boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, key)
      )`);
    await queryRunner.query(`CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE idempotency_keys`);
    await queryRunner.query(`DROP TABLE outbox`);
    await queryRunner.query(`ALTER TABLE bookings DROP COLUMN amount_cents, DROP COLUMN hold_expires_at, DROP COLUMN payment_lease_until, DROP COLUMN refund_pending`);
    await queryRunner.query(`ALTER TABLE bookings DROP CONSTRAINT bookings_status_check`);
    await queryRunner.query(`ALTER TABLE bookings ADD CONSTRAINT bookings_status_check CHECK (status IN ('PENDING', 'CONFIRMED', 'REJECTED'))`);
    await queryRunner.query(`ALTER TABLE bookings ADD CONSTRAINT bookings_one_kind_of_request CHECK ((requested_seats IS NULL) <> (quantity IS NULL))`);
  }
}

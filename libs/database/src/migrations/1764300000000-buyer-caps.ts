import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-buyer ticket caps: each event has its own (the gateway fills in the configured default when an event is
 * created), and the HELD and CONFIRMED seats of one buyer for one event are counted through a partial index.
 */
export class BuyerCaps1764300000000 implements MigrationInterface {
  name = 'BuyerCaps1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE events ADD COLUMN max_tickets_per_buyer int NOT NULL DEFAULT 10 CHECK (max_tickets_per_buyer BETWEEN 1 AND 100)`);
    await queryRunner.query(`CREATE INDEX bookings_buyer_tickets_idx ON bookings (event_id, user_id) WHERE status IN ('HELD', 'CONFIRMED')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX bookings_buyer_tickets_idx`);
    await queryRunner.query(`ALTER TABLE events DROP COLUMN max_tickets_per_buyer`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `bookings.decided_at`: when the inventory held or rejected the booking (the decision; later transitions move
 * updated_at). The outbox keeps only what is still to be published: a row is deleted once the broker confirmed it.
 */
export class DecidedAtOutboxPruned1764200000000 implements MigrationInterface {
  name = 'DecidedAtOutboxPruned1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE bookings ADD COLUMN decided_at timestamptz`);
    await queryRunner.query(`DELETE FROM outbox WHERE sent_at IS NOT NULL`);
    await queryRunner.query(`DROP INDEX outbox_sent_idx`);
    await queryRunner.query(`DROP INDEX outbox_unsent_idx`);
    await queryRunner.query(`ALTER TABLE outbox DROP COLUMN sent_at`);
    await queryRunner.query(`CREATE INDEX outbox_due_idx ON outbox (next_attempt_at, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX outbox_due_idx`);
    await queryRunner.query(`ALTER TABLE outbox ADD COLUMN sent_at timestamptz`);
    await queryRunner.query(`CREATE INDEX outbox_unsent_idx ON outbox (next_attempt_at, id) WHERE sent_at IS NULL`);
    await queryRunner.query(`CREATE INDEX outbox_sent_idx ON outbox (sent_at) WHERE sent_at IS NOT NULL`);
    await queryRunner.query(`ALTER TABLE bookings DROP COLUMN decided_at`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `events.admission_rate_per_second`: set, the event sells through a virtual waiting room that admits that many
 * buyers a second; null (the default), anyone may book. The partial index serves the gateways' periodic re-read
 * of the events that have one.
 */
export class EventAdmissionRate1764600000000 implements MigrationInterface {
  name = 'EventAdmissionRate1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE events ADD COLUMN admission_rate_per_second integer CHECK (admission_rate_per_second > 0)`);
    await queryRunner.query(`CREATE INDEX events_admission_rate_idx ON events (id) WHERE admission_rate_per_second IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX events_admission_rate_idx`);
    await queryRunner.query(`ALTER TABLE events DROP COLUMN admission_rate_per_second`);
  }
}

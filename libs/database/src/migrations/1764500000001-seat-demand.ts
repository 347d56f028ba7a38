import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Seat-demand rollups that the gateways add their in-memory counts to: booking attempts per seat, and attempts and
 * seat-map reads per event and minute. No foreign keys: analytics rows, written in bulk, read by event.
 */
export class SeatDemand1764500000001 implements MigrationInterface {
  name = 'SeatDemand1764500000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE seat_demand (
        event_id bigint NOT NULL,
        seat_row int NOT NULL,
        seat_col int NOT NULL,
        attempts bigint NOT NULL,
        PRIMARY KEY (event_id, seat_row, seat_col)
      )`);
    await queryRunner.query(`
      CREATE TABLE event_demand (
        event_id bigint NOT NULL,
        minute timestamptz NOT NULL,
        attempts bigint NOT NULL DEFAULT 0,
        seat_map_reads bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (event_id, minute)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE event_demand`);
    await queryRunner.query(`DROP TABLE seat_demand`);
  }
}

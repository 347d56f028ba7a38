import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The W3C traceparent of the message that created a booking, so that its payment and confirmation join its trace. */
export class BookingTrace1763920000000 implements MigrationInterface {
  name = 'BookingTrace1763920000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE bookings ADD COLUMN trace_parent text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE bookings DROP COLUMN trace_parent`);
  }
}

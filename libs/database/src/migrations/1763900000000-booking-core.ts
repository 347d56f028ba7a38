import type { MigrationInterface, QueryRunner } from 'typeorm';

export class BookingCore1763900000000 implements MigrationInterface {
  name = 'BookingCore1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE events (
        id bigserial PRIMARY KEY,
        name text NOT NULL,
        rows int NOT NULL CHECK (rows BETWEEN 1 AND 1000),
        cols int NOT NULL CHECK (cols BETWEEN 1 AND 1000),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE seats (
        event_id bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
        seat_row int NOT NULL,
        seat_col int NOT NULL,
        status text NOT NULL DEFAULT 'AVAILABLE' CHECK (status IN ('AVAILABLE', 'HELD', 'BOOKED')),
        booking_id uuid,
        PRIMARY KEY (event_id, seat_row, seat_col),
        CONSTRAINT seats_owner_matches_status CHECK ((status = 'AVAILABLE') = (booking_id IS NULL))
      )`);
    // Best-available and availability counts scan only free seats.
    await queryRunner.query(`CREATE INDEX seats_available_idx ON seats (event_id, seat_row, seat_col) WHERE status = 'AVAILABLE'`);
    await queryRunner.query(`CREATE INDEX seats_booking_idx ON seats (booking_id) WHERE booking_id IS NOT NULL`);
    await queryRunner.query(`
      CREATE TABLE bookings (
        id uuid PRIMARY KEY,
        event_id bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
        user_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('PENDING', 'CONFIRMED', 'REJECTED')),
        requested_seats jsonb,
        quantity int,
        seats jsonb NOT NULL DEFAULT '[]',
        reason text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT bookings_one_kind_of_request CHECK ((requested_seats IS NULL) <> (quantity IS NULL))
      )`);
    await queryRunner.query(`CREATE INDEX bookings_event_status_idx ON bookings (event_id, status)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE bookings`);
    await queryRunner.query(`DROP TABLE seats`);
    await queryRunner.query(`DROP TABLE events`);
  }
}

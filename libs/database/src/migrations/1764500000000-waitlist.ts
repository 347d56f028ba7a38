import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The waitlist of sold-out events: one place per buyer and event, served first come, first served (`id` order).
 * `event_id` leads the primary key, as in every table that grows with bookings (hash partitioning by event later).
 */
export class Waitlist1764500000000 implements MigrationInterface {
  name = 'Waitlist1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE waitlist (
        event_id bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
        id bigint GENERATED ALWAYS AS IDENTITY,
        user_id text NOT NULL,
        quantity int NOT NULL CHECK (quantity > 0),
        status text NOT NULL DEFAULT 'WAITING' CHECK (status IN ('WAITING', 'BOOKED', 'EXPIRED', 'LEFT')),
        booking_id uuid,
        joined_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (event_id, id),
        CONSTRAINT waitlist_one_place_per_buyer UNIQUE (event_id, user_id),
        CONSTRAINT waitlist_booked_has_booking CHECK ((status IN ('BOOKED', 'EXPIRED')) = (booking_id IS NOT NULL))
      )`);
    // The line itself: hand-overs and positions read only the buyers still waiting, in order.
    await queryRunner.query(`CREATE INDEX waitlist_waiting_idx ON waitlist (event_id, id) WHERE status = 'WAITING'`);
    await queryRunner.query(`CREATE INDEX waitlist_booking_idx ON waitlist (booking_id) WHERE booking_id IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE waitlist`);
  }
}

import { Column, Entity, PrimaryColumn } from 'typeorm';

export const SEAT_STATUSES = ['AVAILABLE', 'HELD', 'BOOKED'] as const;
export type SeatStatus = (typeof SEAT_STATUSES)[number];

/** One row a seat: the conditional UPDATE on `status` is what makes a double sale impossible. */
@Entity({ name: 'seats' })
export class SeatEntity {
  @PrimaryColumn({ name: 'event_id', type: 'bigint' })
  eventId: string;

  @PrimaryColumn({ name: 'seat_row', type: 'int' })
  row: number;

  @PrimaryColumn({ name: 'seat_col', type: 'int' })
  col: number;

  @Column({ type: 'text' })
  status: SeatStatus;

  @Column({ name: 'booking_id', type: 'uuid', nullable: true })
  bookingId: string | null;
}

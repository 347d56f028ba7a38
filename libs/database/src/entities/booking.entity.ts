import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { BookingStatus, SeatDto } from '@app/contracts';

@Entity({ name: 'bookings' })
export class BookingEntity {
  /** Chosen by the gateway before publishing, so a redelivered message maps to the same row. */
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'event_id', type: 'bigint' })
  eventId: string;

  @Column({ name: 'user_id', type: 'text' })
  userId: string;

  @Column({ type: 'text' })
  status: BookingStatus;

  @Column({ name: 'requested_seats', type: 'jsonb', nullable: true })
  requestedSeats: SeatDto[] | null;

  @Column({ type: 'int', nullable: true })
  quantity: number | null;

  /** Seats assigned to the booking (empty unless it holds or owns seats). */
  @Column({ type: 'jsonb' })
  seats: SeatDto[];

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { BookingStatus, BookingView, SeatDto } from '@app/contracts';

@Injectable()
export class BookingsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findView(id: string): Promise<BookingView | undefined> {
    const [row]: { id: string; event_id: string; user_id: string; status: BookingStatus; seats: SeatDto[]; requested_seats: SeatDto[] | null; reason: string | null; created_at: Date; updated_at: Date }[] =
      await this.dataSource.query('SELECT id, event_id, user_id, status, seats, requested_seats, reason, created_at, updated_at FROM bookings WHERE id = $1', [id]);
    if (!row) return undefined;
    return {
      bookingId: row.id,
      eventId: Number(row.event_id),
      userId: row.user_id,
      status: row.status,
      seats: row.status === 'PENDING' ? (row.requested_seats ?? []) : row.seats,
      ...(row.reason ? { reason: row.reason } : {}),
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    };
  }
}

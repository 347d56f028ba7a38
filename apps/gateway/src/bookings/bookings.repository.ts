import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { bookingColumns, type BookingRow, toBookingRecord, toBookingView } from '@app/booking';
import type { BookingView } from '@app/contracts';
import { READS } from '@app/database';

/** Booking views from PostgreSQL, on the cold-read pool (the Redis view cache answers most polls). */
@Injectable()
export class BookingsRepository {
  constructor(@InjectDataSource(READS) private readonly reads: DataSource) {}

  async findView(id: string): Promise<BookingView | undefined> {
    const [row]: BookingRow[] = await this.reads.query(`SELECT ${bookingColumns()} FROM bookings WHERE id = $1`, [id]);
    return row && toBookingView(toBookingRecord(row));
  }
}

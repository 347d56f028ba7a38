import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { bookingColumns, type BookingRow, FINAL_STATUSES, toBookingRecord, toBookingView } from '@app/booking';
import type { BookingView } from '@app/contracts';
import { READS } from '@app/database';
import { StaleReads } from '@app/database/replica/index.js';

const FIND_BOOKING = `SELECT ${bookingColumns()} FROM bookings WHERE id = $1`;

/** Booking views from PostgreSQL (the Redis view cache answers most polls). */
@Injectable()
export class BookingsRepository {
  constructor(@InjectDataSource(READS) private readonly reads: DataSource, private readonly staleReads: StaleReads) {}

  /** A final booking never changes, so the read replica's copy of it is exact; any other is read on the primary. */
  async findView(id: string): Promise<BookingView | undefined> {
    const [row] = await this.staleReads.query<BookingRow[]>(FIND_BOOKING, [id], ([found]) => found !== undefined && FINAL_STATUSES.includes(found.status));
    return row && toBookingView(toBookingRecord(row));
  }

  /** From the primary's cold-read pool: for a buyer waiting on a change they asked for. */
  async findLatestView(id: string): Promise<BookingView | undefined> {
    const [row]: BookingRow[] = await this.reads.query(FIND_BOOKING, [id]);
    return row && toBookingView(toBookingRecord(row));
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { CreateEventDto, SeatCounts } from '@app/contracts';
import type { SeatStatus } from '@app/database';

export interface EventRow {
  id: number;
  name: string;
  rows: number;
  cols: number;
}

@Injectable()
export class EventsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The event and one AVAILABLE row per seat, in one transaction (a 1000×1000 event is one INSERT … SELECT). */
  create(dto: CreateEventDto): Promise<EventRow> {
    return this.dataSource.transaction(async (manager) => {
      const [event]: { id: string }[] = await manager.query('INSERT INTO events (name, rows, cols) VALUES ($1, $2, $3) RETURNING id', [dto.name, dto.rows, dto.cols]);
      await manager.query(
        `INSERT INTO seats (event_id, seat_row, seat_col)
         SELECT $1, r, c FROM generate_series(1, $2::int) AS r, generate_series(1, $3::int) AS c`,
        [event.id, dto.rows, dto.cols],
      );
      return { id: Number(event.id), name: dto.name, rows: dto.rows, cols: dto.cols };
    });
  }

  async find(id: number): Promise<EventRow | undefined> {
    const [row]: { id: string; name: string; rows: number; cols: number }[] = await this.dataSource.query('SELECT id, name, rows, cols FROM events WHERE id = $1', [id]);
    return row && { ...row, id: Number(row.id) };
  }

  async seatCounts(id: number): Promise<SeatCounts> {
    const rows: { status: SeatStatus; n: number }[] = await this.dataSource.query('SELECT status, count(*)::int AS n FROM seats WHERE event_id = $1 GROUP BY status', [id]);
    const count = (status: SeatStatus) => rows.find((row) => row.status === status)?.n ?? 0;
    return { available: count('AVAILABLE'), held: count('HELD'), booked: count('BOOKED') };
  }

  async bookingCounts(id: number): Promise<Record<string, number>> {
    const rows: { status: string; n: number }[] = await this.dataSource.query('SELECT status, count(*)::int AS n FROM bookings WHERE event_id = $1 GROUP BY status', [id]);
    return Object.fromEntries(rows.map((row) => [row.status, row.n]));
  }
}

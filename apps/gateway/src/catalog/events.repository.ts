import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { CreateEventDto, SeatCounts, SeatStatus } from '@app/contracts';
import { READS } from '@app/database';
import { StaleReads } from '@app/database/replica/index.js';
import type { EventRow } from './event-row.js';

interface EventRecord {
  id: string;
  name: string;
  rows: number;
  cols: number;
  max_tickets_per_buyer: number;
  admission_rate_per_second: number | null;
}

const COLUMNS = 'id, name, rows, cols, max_tickets_per_buyer, admission_rate_per_second';

function toRow(record: EventRecord): EventRow {
  const row: EventRow = { id: Number(record.id), name: record.name, rows: record.rows, cols: record.cols, maxTicketsPerBuyer: record.max_tickets_per_buyer };
  if (record.admission_rate_per_second !== null) row.admissionRatePerSecond = record.admission_rate_per_second;
  return row;
}

/**
 * Events and their seats in PostgreSQL. Writes use the main pool; reads the read replica when it is close enough,
 * else the cold-read pool, so they never starve intake.
 */
@Injectable()
export class EventsRepository {
  constructor(
    @InjectDataSource() private readonly primary: DataSource,
    @InjectDataSource(READS) private readonly coldReads: DataSource,
    private readonly staleReads: StaleReads,
  ) {}

  /** The event and one AVAILABLE row per seat, in one transaction: a 1000×1000 event is one set-based INSERT … SELECT. */
  create(dto: CreateEventDto & { maxTicketsPerBuyer: number }): Promise<EventRow> {
    return this.primary.transaction(async (manager) => {
      const [event]: EventRecord[] = await manager.query(
        `INSERT INTO events (name, rows, cols, max_tickets_per_buyer, admission_rate_per_second) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
        [dto.name, dto.rows, dto.cols, dto.maxTicketsPerBuyer, dto.admissionRatePerSecond ?? null],
      );
      await manager.query(
        `INSERT INTO seats (event_id, seat_row, seat_col)
         SELECT $1, r, c FROM generate_series(1, $2::int) AS r, generate_series(1, $3::int) AS c`,
        [event.id, dto.rows, dto.cols],
      );
      return toRow(event);
    });
  }

  /** An event the replica does not have yet may have just been created: only the primary can say it does not exist. */
  async find(id: number): Promise<EventRow | undefined> {
    const [record] = await this.staleReads.query<EventRecord[]>(`SELECT ${COLUMNS} FROM events WHERE id = $1`, [id], (rows) => rows.length > 0);
    return record && toRow(record);
  }

  /** One statement on one row: of two admins changing the rate at once, the last write stands. */
  async setAdmissionRate(id: number, ratePerSecond: number | null): Promise<EventRow | undefined> {
    const [records]: [EventRecord[], number] = await this.primary.query(`UPDATE events SET admission_rate_per_second = $2 WHERE id = $1 RETURNING ${COLUMNS}`, [id, ratePerSecond]);
    return records[0] && toRow(records[0]);
  }

  /**
   * The events that sell through a waiting room (a partial index holds them). From the primary, not the replica: this
   * corrects what gateways hold, and a lagging replica would undo a rate an admin has just changed.
   */
  async withAdmissionRate(): Promise<EventRow[]> {
    const records: EventRecord[] = await this.coldReads.query(`SELECT ${COLUMNS} FROM events WHERE admission_rate_per_second IS NOT NULL`);
    return records.map(toRow);
  }

  /** The newest events, for the catalog a gateway holds in memory before the first buyer arrives. */
  async newest(limit: number): Promise<EventRow[]> {
    const records: EventRecord[] = await this.staleReads.query(`SELECT ${COLUMNS} FROM events ORDER BY id DESC LIMIT $1`, [limit]);
    return records.map(toRow);
  }

  async seatCounts(id: number): Promise<SeatCounts> {
    const rows: { status: SeatStatus; n: number }[] = await this.staleReads.query('SELECT status, count(*)::int AS n FROM seats WHERE event_id = $1 GROUP BY status', [id]);
    const count = (status: SeatStatus) => rows.find((row) => row.status === status)?.n ?? 0;
    return { available: count('AVAILABLE'), held: count('HELD'), booked: count('BOOKED') };
  }

  async bookingCounts(id: number): Promise<Record<string, number>> {
    const rows: { status: string; n: number }[] = await this.staleReads.query('SELECT status, count(*)::int AS n FROM bookings WHERE event_id = $1 GROUP BY status', [id]);
    return Object.fromEntries(rows.map((row) => [row.status, row.n]));
  }
}

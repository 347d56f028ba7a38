import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface SeatState {
  rows: number;
  cols: number;
  /** Seats that are not available; every other seat is. */
  taken: { row: number; col: number; status: 'HELD' | 'BOOKED' }[];
}

/** How many seats of an event are taken, by status, and its grid: enough to tell whether a projection drifted. */
export interface SeatTally {
  rows: number;
  cols: number;
  held: number;
  booked: number;
}

/** Where seat state is read: the primary's DataSource, or a gateway's read router. */
export interface SeatStateSource {
  query<T = any>(sql: string, params?: unknown[]): Promise<T>;
}

/** The truth the Redis seat projections are built from (cache misses, reconciliation). */
@Injectable()
export class SeatStateReader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** From the primary, or from `source` (a gateway's seat-map rebuilds read the replica when it is close enough). */
  async load(eventId: number, source: SeatStateSource = this.dataSource): Promise<SeatState | undefined> {
    const [event]: { rows: number; cols: number }[] = await source.query('SELECT rows, cols FROM events WHERE id = $1', [eventId]);
    if (!event) return undefined;
    const taken: SeatState['taken'] = await source.query(
      `SELECT seat_row AS row, seat_col AS col, status FROM seats WHERE event_id = $1 AND status <> 'AVAILABLE'`,
      [eventId],
    );
    return { rows: event.rows, cols: event.cols, taken };
  }

  async grids(eventIds: number[]): Promise<Map<number, { rows: number; cols: number }>> {
    const rows: { id: string; rows: number; cols: number }[] = await this.dataSource.query('SELECT id, rows, cols FROM events WHERE id = ANY($1::bigint[])', [eventIds]);
    return new Map(rows.map((row) => [Number(row.id), { rows: row.rows, cols: row.cols }]));
  }

  /**
   * The tallies of these events in one statement, counted inside PostgreSQL (one index walk per event, through its own
   * partition): what a reconciliation round compares before it reads any event's seats row by row.
   */
  async tallies(eventIds: number[]): Promise<Map<number, SeatTally>> {
    const rows: ({ id: string } & SeatTally)[] = await this.dataSource.query(
      `SELECT e.id, e.rows, e.cols, t.held, t.booked FROM events e,
         LATERAL (SELECT count(*) FILTER (WHERE status = 'HELD')::int AS held, count(*) FILTER (WHERE status = 'BOOKED')::int AS booked
                  FROM seats WHERE event_id = e.id AND status <> 'AVAILABLE') t
       WHERE e.id = ANY($1::bigint[])`,
      [eventIds],
    );
    return new Map(rows.map(({ id, ...tally }) => [Number(id), tally]));
  }

  /** Events whose seats changed recently or that were just created: the ones worth keeping projected. */
  async activeEventIds(sinceSeconds: number, limit: number): Promise<number[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM (
         SELECT event_id AS id, max(updated_at) AS at FROM bookings WHERE updated_at > now() - make_interval(secs => $1) GROUP BY event_id
         UNION ALL
         SELECT id, created_at AS at FROM events WHERE created_at > now() - make_interval(secs => $1)
       ) recent GROUP BY id ORDER BY max(at) DESC LIMIT $2`,
      [sinceSeconds, limit],
    );
    return rows.map((row) => Number(row.id));
  }
}

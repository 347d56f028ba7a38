import type { DataSource } from 'typeorm';
import type { StaleReads } from '@app/database/replica/index.js';
import { type DemandBatch, DemandSink, HOT_SEATS, MINUTES_SHOWN, type StoredDemand } from './demand-sink.js';

/**
 * Rollup tables in PostgreSQL: attempts per seat, attempts and seat-map reads per event and minute. Writes go to the
 * primary, reads to the replica when it is close enough.
 */
export class PostgresDemandSink extends DemandSink {
  constructor(private readonly primary: DataSource, private readonly reads: StaleReads) {
    super();
  }

  /**
   * Adds the batch in one transaction. Safe with many gateways flushing at once: each upsert adds to the stored count,
   * and rows are written in key order, so that two flushes cannot deadlock.
   */
  async record({ minute, events }: DemandBatch): Promise<void> {
    const sorted = [...events].sort((a, b) => a.eventId - b.eventId);
    const seats = sorted.flatMap(({ eventId, seats }) => [...seats].sort((a, b) => a.row - b.row || a.col - b.col).map((seat) => ({ eventId, ...seat })));
    await this.primary.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO event_demand (event_id, minute, attempts, seat_map_reads)
         SELECT u.event_id, $2::timestamptz, u.attempts, u.reads FROM unnest($1::bigint[], $3::bigint[], $4::bigint[]) AS u(event_id, attempts, reads)
         ON CONFLICT (event_id, minute) DO UPDATE
           SET attempts = event_demand.attempts + EXCLUDED.attempts, seat_map_reads = event_demand.seat_map_reads + EXCLUDED.seat_map_reads`,
        [sorted.map((e) => e.eventId), minute, sorted.map((e) => e.attempts), sorted.map((e) => e.seatMapReads)],
      );
      if (seats.length === 0) return;
      await manager.query(
        `INSERT INTO seat_demand (event_id, seat_row, seat_col, attempts) SELECT * FROM unnest($1::bigint[], $2::int[], $3::int[], $4::bigint[])
         ON CONFLICT (event_id, seat_row, seat_col) DO UPDATE SET attempts = seat_demand.attempts + EXCLUDED.attempts`,
        [seats.map((s) => s.eventId), seats.map((s) => s.row), seats.map((s) => s.col), seats.map((s) => s.attempts)],
      );
    });
  }

  async read(eventId: number): Promise<StoredDemand> {
    const [hot, minutes, [totals]] = await Promise.all([
      this.reads.query<{ row: number; col: number; attempts: string }[]>(
        `SELECT seat_row AS row, seat_col AS col, attempts FROM seat_demand WHERE event_id = $1 ORDER BY attempts DESC, seat_row, seat_col LIMIT $2`,
        [eventId, HOT_SEATS],
      ),
      this.reads.query<{ minute: Date; attempts: string }[]>(
        `SELECT minute, attempts FROM event_demand WHERE event_id = $1 AND attempts > 0 AND minute > now() - make_interval(mins => $2) ORDER BY minute`,
        [eventId, MINUTES_SHOWN],
      ),
      this.reads.query<{ attempts: string; reads: string }[]>(
        `SELECT coalesce(sum(attempts), 0) AS attempts, coalesce(sum(seat_map_reads), 0) AS reads FROM event_demand WHERE event_id = $1`,
        [eventId],
      ),
    ]);
    return {
      hotSeats: hot.map(({ row, col, attempts }) => ({ row, col, attempts: Number(attempts) })),
      attemptsPerMinute: minutes.map(({ minute, attempts }) => ({ minute: minute.toISOString(), attempts: Number(attempts) })),
      attempts: Number(totals.attempts),
      seatMapReads: Number(totals.reads),
    };
  }

  async close(): Promise<void> {}
}

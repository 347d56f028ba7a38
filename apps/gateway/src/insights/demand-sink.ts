import type { Seat } from '@app/contracts';

export interface SeatAttempts extends Seat {
  attempts: number;
}

/** The demand one gateway gathered for one event since its last flush. */
export interface EventDemandCounts {
  eventId: number;
  attempts: number;
  seatMapReads: number;
  seats: SeatAttempts[];
}

/** Counts gathered in memory, all attributed to the minute the gathering started in. */
export interface DemandBatch {
  minute: Date;
  events: EventDemandCounts[];
}

/** An event's demand as stored: all gateways, all flushes. */
export interface StoredDemand {
  /** The 20 most attempted seats, most attempted first (ties: front rows, then left). */
  hotSeats: SeatAttempts[];
  /** The last hour's minutes that had attempts, oldest first. */
  attemptsPerMinute: { minute: string; attempts: number }[];
  attempts: number;
  seatMapReads: number;
}

export const HOT_SEATS = 20;
export const MINUTES_SHOWN = 60;

/**
 * Where seat-demand counts are added up: PostgreSQL rollup tables by default, ClickHouse when CLICKHOUSE_URL is set.
 * `record` adds (never replaces), so that every gateway can write its own counts.
 */
export abstract class DemandSink {
  abstract record(batch: DemandBatch): Promise<void>;
  abstract read(eventId: number): Promise<StoredDemand>;
  abstract close(): Promise<void>;
}

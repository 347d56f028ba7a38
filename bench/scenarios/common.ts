import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Accepted, TERMINAL_STATUSES } from '../api.js';
import { LatencyHistogram, type LatencySummary } from '../load.js';
import type { BenchOptions } from '../options.js';
import type { BenchSystem } from '../system.js';

export interface Context {
  system: BenchSystem;
  options: BenchOptions;
  /** Progress for the console; results go to the report. */
  log(line: string): void;
}

export interface Decided {
  decisionMs: LatencySummary;
  /** Statuses of the accepted bookings in PostgreSQL. */
  outcomes: Record<string, number>;
  /** Epoch ms of the last terminal decision (undefined when none). */
  lastDecidedAt?: number;
}

/**
 * Decision latency from PostgreSQL rather than from polls (whose pauses would blur it to 100 ms–1 s): a terminal
 * booking's updated_at minus the moment its 202 reached the client. updated_at is the deciding transaction's start
 * (now()), a few milliseconds before its commit; a booking decided before its 202 arrived counts as 0.
 */
export async function decisionsOf(system: BenchSystem, accepted: Accepted[]): Promise<Decided> {
  const rows = await system.sql<{ id: string; status: string; decided_at: number }>(
    'SELECT id, status, (extract(epoch FROM updated_at) * 1000)::float8 AS decided_at FROM bookings WHERE id = ANY($1::uuid[])',
    [accepted.map((a) => a.bookingId)],
  );
  const answeredAt = new Map(accepted.map((a) => [a.bookingId, a.answeredAt]));
  const histogram = new LatencyHistogram();
  const outcomes: Record<string, number> = {};
  let lastDecidedAt: number | undefined;
  for (const row of rows) {
    outcomes[row.status] = (outcomes[row.status] ?? 0) + 1;
    if (!TERMINAL_STATUSES.includes(row.status)) continue;
    histogram.record(Math.max(0, row.decided_at - answeredAt.get(row.id)!));
    lastDecidedAt = Math.max(lastDecidedAt ?? 0, row.decided_at);
  }
  return { decisionMs: histogram.summary(), outcomes, lastDecidedAt };
}

/** Seats of the events currently BOOKED or HELD in PostgreSQL. */
export async function seatsTaken(system: BenchSystem, eventIds: number[]): Promise<number> {
  const [row] = await system.sql<{ n: number }>(`SELECT count(*)::int AS n FROM seats WHERE event_id = ANY($1::bigint[]) AND status <> 'AVAILABLE'`, [eventIds]);
  return row.n;
}

/** Statuses in PostgreSQL of the given bookings. */
export async function outcomesOf(system: BenchSystem, bookingIds: string[]): Promise<Record<string, number>> {
  const rows = await system.sql<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM bookings WHERE id = ANY($1::uuid[]) GROUP BY status ORDER BY status', [bookingIds]);
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}

/** A fresh directory for one process's `--cpu-prof` output. */
export function profileDirFor(run: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `seatgrid-profile-${run}-`));
}

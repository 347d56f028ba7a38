import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Accepted, TERMINAL_STATUSES } from '../api.js';
import { LatencyHistogram, type LatencySummary } from '../load.js';
import type { BenchOptions } from '../options.js';
import type { UsageReport } from '../processes.js';
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

/** Waits until every accepted booking has its decision (HELD or REJECTED), whatever its saga is doing. */
export async function allDecided(system: BenchSystem, accepted: string[], timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const [{ n }] = await system.sql<{ n: number }>('SELECT count(*)::int AS n FROM bookings WHERE id = ANY($1::uuid[]) AND decided_at IS NOT NULL', [accepted]);
    if (n >= accepted.length) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface DecisionRate {
  decided: number;
  perSecond: number;
  spanMs: number;
  /** Deciding transactions (distinct decided_at). */
  transactions: number;
}

/**
 * Decisions per second from PostgreSQL: each booking's decided_at is its deciding transaction's time, so the rate is
 * the bookings decided after the first transaction over the span between the first and the last one — start-up and
 * the first batch's cost do not count, and no polling is needed.
 */
export async function decisionRate(system: BenchSystem, bookingIds: string[]): Promise<DecisionRate> {
  const [rate] = await system.sql<{ decided: number; after_first: number; span_ms: number; transactions: number }>(
    `WITH d AS (SELECT decided_at AS at FROM bookings WHERE id = ANY($1::uuid[]) AND decided_at IS NOT NULL)
     SELECT count(*)::int AS decided,
            count(*) FILTER (WHERE at > (SELECT min(at) FROM d))::int AS after_first,
            coalesce(extract(epoch FROM max(at) - min(at)) * 1000, 0)::float8 AS span_ms,
            count(DISTINCT at)::int AS transactions
     FROM d`,
    [bookingIds],
  );
  const perSecond = rate.span_ms > 0 ? Math.round((rate.after_first / rate.span_ms) * 1000) : 0;
  return { decided: rate.decided, perSecond, spanMs: Math.round(rate.span_ms), transactions: rate.transactions };
}

/**
 * CPU per decision while a backlog was being decided (the saga starts meanwhile and is included): every inventory
 * replica's together, and PostgreSQL's and RabbitMQ's (all their clients, so any neighbour's work counts too).
 */
export function cpuPerDecision(usage: UsageReport, decided: number): Record<string, number> {
  if (decided === 0) return {};
  const us = (cpuS: number) => Math.round((cpuS * 1e6) / decided);
  const inventories = usage.processes.filter((p) => p.name.startsWith('inventory')).reduce((sum, p) => sum + p.cpuS, 0);
  return {
    inventoryCpuUsPerDecision: us(inventories),
    postgresCpuUsPerDecision: us(usage.services.find((s) => s.name === 'postgresql')?.cpuS ?? 0),
    rabbitmqCpuUsPerDecision: us(usage.services.find((s) => s.name === 'rabbitmq')?.cpuS ?? 0),
  };
}

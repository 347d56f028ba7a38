import type { IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { build, type Histogram } from 'hdr-histogram-js';
import { Pool } from 'undici';
import { round } from './processes.js';

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p75: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

export interface HttpSummary {
  requests: number;
  /** Answers per second over the phase's window. */
  rps: number;
  latencyMs: LatencySummary;
  /** The same latencies split by HTTP status: a fast refusal and a slow acceptance are different stories. */
  latencyByStatusMs: Record<string, LatencySummary>;
  /** Answers by HTTP status. */
  statusCodes: Record<string, number>;
  /** Requests that got no answer (reset, refused, timed out), by error code: "dropped connections". */
  errors: Record<string, number>;
}

/** Latencies in microseconds (3 significant digits), reported in milliseconds. */
export class LatencyHistogram {
  private readonly histogram: Histogram = build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });

  record(ms: number): void {
    this.histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  summary(): LatencySummary {
    const h = this.histogram;
    const at = (percentile: number) => (h.totalCount === 0 ? 0 : round(h.getValueAtPercentile(percentile) / 1000));
    return {
      count: h.totalCount,
      mean: round(h.totalCount === 0 ? 0 : h.mean / 1000),
      p50: at(50),
      p75: at(75),
      p90: at(90),
      p95: at(95),
      p99: at(99),
      p999: at(99.9),
      max: round(h.maxValue / 1000),
    };
  }
}

/** Latency, status codes and transport errors of one kind of request. */
export class Recorder {
  private readonly latency = new LatencyHistogram();
  private readonly byStatus = new Map<number, LatencyHistogram>();
  private readonly statusCodes = new Map<number, number>();
  private readonly errors = new Map<string, number>();
  private firstStart = Infinity;
  private lastEnd = -Infinity;

  answered(startedAt: number, status: number): void {
    const now = performance.now();
    this.latency.record(now - startedAt);
    let histogram = this.byStatus.get(status);
    if (!histogram) this.byStatus.set(status, (histogram = new LatencyHistogram()));
    histogram.record(now - startedAt);
    this.statusCodes.set(status, (this.statusCodes.get(status) ?? 0) + 1);
    this.span(startedAt, now);
  }

  failed(startedAt: number, error: unknown): void {
    const { code, name } = (error ?? {}) as { code?: string; name?: string };
    const key = code ?? name ?? 'unknown';
    this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
    this.span(startedAt, performance.now());
  }

  count(status: number): number {
    return this.statusCodes.get(status) ?? 0;
  }

  /** `windowMs`: the phase's length for closed loops; by default from the first request to the last answer. */
  summary(windowMs = this.lastEnd - this.firstStart): HttpSummary {
    const answered = [...this.statusCodes.values()].reduce((sum, n) => sum + n, 0);
    return {
      requests: answered + [...this.errors.values()].reduce((sum, n) => sum + n, 0),
      rps: windowMs > 0 ? round((answered / windowMs) * 1000, 1) : 0,
      latencyMs: this.latency.summary(),
      latencyByStatusMs: Object.fromEntries([...this.byStatus].sort(([a], [b]) => a - b).map(([status, histogram]) => [String(status), histogram.summary()])),
      statusCodes: Object.fromEntries([...this.statusCodes].sort(([a], [b]) => a - b).map(([status, n]) => [String(status), n])),
      errors: Object.fromEntries(this.errors),
    };
  }

  private span(startedAt: number, endedAt: number): void {
    this.firstStart = Math.min(this.firstStart, startedAt);
    this.lastEnd = Math.max(this.lastEnd, endedAt);
  }
}

export interface Request {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Keep-alive connections to one origin; requests beyond `connections` wait in the pool's queue, as at a busy browser. */
export function connectionPool(origin: string, connections: number): Pool {
  return new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 120_000, bodyTimeout: 120_000, connectTimeout: 30_000 });
}

/**
 * Sends one request and records it. Latency runs from `startedAt` — the scheduled arrival in an open loop — to the
 * last byte of the body, so time spent queueing for a connection counts (no coordinated omission).
 * Resolves undefined when no answer came; the recorder counts that as an error.
 */
export async function send(pool: Pool, recorder: Recorder, request: Request, startedAt = performance.now()): Promise<Reply | undefined> {
  try {
    const response = await pool.request({ method: request.method, path: request.path, headers: request.headers, body: request.body });
    const body = await response.body.text();
    recorder.answered(startedAt, response.statusCode);
    return { status: response.statusCode, headers: response.headers, body };
  } catch (error) {
    recorder.failed(startedAt, error);
    return undefined;
  }
}

export function jsonPost(path: string, body: object, headers: Record<string, string> = {}): Request {
  return { method: 'POST', path, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/**
 * Open loop: calls `arrive(i, scheduledAt)` at `offsetsMs[i]` (ascending) after the start, whether or not earlier
 * arrivals have been answered, as independent users would. Resolves when every arrival's work is done.
 */
export async function openLoop(offsetsMs: number[], arrive: (index: number, scheduledAt: number) => Promise<void>): Promise<void> {
  const start = performance.now();
  const work: Promise<void>[] = [];
  let next = 0;
  while (next < offsetsMs.length) {
    const now = performance.now() - start;
    for (; next < offsetsMs.length && offsetsMs[next] <= now; next++) work.push(arrive(next, start + offsetsMs[next]));
    if (next < offsetsMs.length) await sleep(Math.max(0, offsetsMs[next] - (performance.now() - start)));
  }
  await Promise.all(work);
}

/** Arrival offsets of `count` users spread evenly over `windowMs`. */
export function evenArrivals(count: number, windowMs: number): number[] {
  return Array.from({ length: count }, (_, i) => (i * windowMs) / count);
}

/**
 * Closed loop: `concurrency` clients each send their next request as soon as the previous one is answered, until
 * `durationMs` has passed or `count` iterations were started. Resolves with the elapsed milliseconds.
 */
export async function closedLoop(concurrency: number, limit: { durationMs: number } | { count: number }, iterate: (index: number) => Promise<void>): Promise<number> {
  const start = performance.now();
  let started = 0;
  const more = 'durationMs' in limit ? () => performance.now() - start < limit.durationMs : () => started < limit.count;
  const client = async () => {
    while (more()) await iterate(started++);
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return performance.now() - start;
}

/** A seeded PRNG (mulberry32): the same seed gives every target the same requests in the same order. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Every knob of a benchmark run. Defaults are the numbers; `--smoke` shrinks them to seconds of work. */
export interface BenchOptions {
  smoke: boolean;
  /** Herd: distinct users, one booking each, all arriving within `herdWindowMs`. */
  users: number;
  /** Herd: seats of the rushed event. */
  seats: number;
  herdWindowMs: number;
  /** Connections of the open-loop generator (herd, mixed); polls have their own `pollConnections`. */
  connections: number;
  pollConnections: number;
  /** Closed-loop clients (sold-out, seat map, bare Node requests/s, booking the decisions backlog). */
  concurrency: number;
  /** Length of every steady-state phase (closed loops, mixed), in seconds. */
  durationS: number;
  soldOutSeats: number;
  seatMapSeats: number;
  mixedRate: number;
  mixedEvents: number;
  /** Booking requests of distinct seats queued up for the inventory decision-rate measurement. */
  decisions: number;
  pgbenchClients: number;
  pgbenchSeconds: number;
  /** PostgreSQL connections of the synchronous baseline (the apps' DATABASE_POOL_SIZE default). */
  syncPoolSize: number;
  pollTimeoutS: number;
  settleTimeoutS: number;
  seed: number;
  /** Only these runs (by name), for working on one scenario; empty runs them all. */
  only: string[];
  resultsDir: string;
  services: { pg: string; redis: string; amqp: string };
}

const FULL = {
  users: 10_000,
  seats: 100,
  herdWindowMs: 1000,
  connections: 900,
  pollConnections: 100,
  concurrency: 200,
  durationS: 10,
  soldOutSeats: 10,
  seatMapSeats: 10_000,
  mixedRate: 200,
  mixedEvents: 4,
  decisions: 20_000,
  pgbenchClients: 10,
  pgbenchSeconds: 10,
  syncPoolSize: 10,
  pollTimeoutS: 60,
  settleTimeoutS: 120,
};

const SMOKE: typeof FULL = {
  users: 200,
  seats: 20,
  herdWindowMs: 500,
  connections: 50,
  pollConnections: 10,
  concurrency: 20,
  durationS: 1,
  soldOutSeats: 10,
  seatMapSeats: 100,
  mixedRate: 50,
  mixedEvents: 2,
  decisions: 300,
  pgbenchClients: 2,
  pgbenchSeconds: 1,
  syncPoolSize: 4,
  pollTimeoutS: 30,
  settleTimeoutS: 30,
};

/** Environment variable of each numeric option. */
const ENV_NAMES: Record<keyof typeof FULL, string> = {
  users: 'BENCH_USERS',
  seats: 'BENCH_SEATS',
  herdWindowMs: 'BENCH_HERD_WINDOW_MS',
  connections: 'BENCH_CONNECTIONS',
  pollConnections: 'BENCH_POLL_CONNECTIONS',
  concurrency: 'BENCH_CONCURRENCY',
  durationS: 'BENCH_DURATION',
  soldOutSeats: 'BENCH_SOLDOUT_SEATS',
  seatMapSeats: 'BENCH_SEATMAP_SEATS',
  mixedRate: 'BENCH_MIXED_RATE',
  mixedEvents: 'BENCH_MIXED_EVENTS',
  decisions: 'BENCH_DECISIONS',
  pgbenchClients: 'BENCH_PGBENCH_CLIENTS',
  pgbenchSeconds: 'BENCH_PGBENCH_SECONDS',
  syncPoolSize: 'BENCH_SYNC_POOL_SIZE',
  pollTimeoutS: 'BENCH_POLL_TIMEOUT',
  settleTimeoutS: 'BENCH_SETTLE_TIMEOUT',
};

/** Durations may be fractional; everything else counts things. */
const FRACTIONAL = new Set<keyof typeof FULL>(['durationS', 'pollTimeoutS', 'settleTimeoutS']);

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const unknown = argv.filter((arg) => arg !== '--smoke');
  if (unknown.length > 0) throw new Error(`unknown argument(s): ${unknown.join(' ')} (only --smoke is understood)`);
  const smoke = argv.includes('--smoke');
  const defaults = smoke ? SMOKE : FULL;
  const numbers = Object.fromEntries(
    (Object.keys(defaults) as (keyof typeof FULL)[]).map((key) => [key, readNumber(env, ENV_NAMES[key], defaults[key], FRACTIONAL.has(key))]),
  ) as typeof FULL;
  return {
    smoke,
    ...numbers,
    seed: readNumber(env, 'BENCH_SEED', 1, false),
    only: (env.BENCH_ONLY ?? '').split(',').map((name) => name.trim()).filter(Boolean),
    // A smoke run must not leave files next to the committed results.
    resultsDir: env.BENCH_RESULTS_DIR || (smoke ? join(tmpdir(), 'seatgrid-bench-smoke') : 'bench/results'),
    services: {
      pg: env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432',
      redis: env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379',
      amqp: env.BENCH_AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672',
    },
  };
}

function readNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, fractional: boolean): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (!fractional && !Number.isInteger(value))) {
    throw new Error(`${name}=${raw}: expected a positive ${fractional ? 'number' : 'integer'}`);
  }
  return value;
}

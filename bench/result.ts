import type { Check } from './invariants.js';
import type { HttpSummary, LatencySummary } from './load.js';
import type { UsageReport } from './processes.js';
import type { ProfileSummary } from './profile.js';

/** What one scenario or baseline measured; the JSON report is a list of these plus aims and ratios. */
export interface RunResult {
  name: string;
  title: string;
  kind: 'scenario' | 'baseline';
  parameters: Record<string, number | string>;
  /** By kind of request: intake (POST /bookings), polls, reads, requests. */
  http: Record<string, HttpSummary>;
  /** From the 202 reaching the client to the booking's terminal status in PostgreSQL (its updated_at). */
  decisionMs?: LatencySummary;
  /** Scenario-specific numbers (seats sold, drain time, decisions per second, shares…), named in the report. */
  metrics: Record<string, number>;
  /** Statuses in PostgreSQL of the bookings the scenario got accepted. */
  outcomes?: Record<string, number>;
  usage?: UsageReport;
  /** Where the measured app process spent its CPU during the run (V8 sampling profile). */
  profile?: ProfileSummary;
  checks: Check[];
}

export interface Aim {
  name: string;
  target: string;
  measured: string;
  met: boolean;
}

export interface Ratio {
  name: string;
  value: number;
  numerator: string;
  denominator: string;
}

export interface BenchResult {
  startedAt: string;
  finishedAt: string;
  smoke: boolean;
  /** The run's database name and Redis key prefix (RabbitMQ prefix: the same with "-"), all removed at the end. */
  namespace: string;
  machine: Record<string, string | number>;
  options: Record<string, unknown>;
  /** The environment of the app processes, services' URLs aside (tuning and payment settings). */
  appSettings: Record<string, string>;
  runs: RunResult[];
  ratios: Ratio[];
  aims: Aim[];
  invariantsHold: boolean;
}

import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { bookingTopology } from '@app/booking';
import { loadConfig } from '@app/config';
import type { BenchResult } from '../bench/result.js';
import { SERVICES } from './support/test-system.js';

const run = promisify(execFile);
/** Fifteen runs, each starting its own apps one after the other: over a minute on a busy two-core machine. */
const SMOKE_BUDGET_MS = 240_000;

/** Runs with tiny numbers; only the correctness invariants and the clean-up are asserted, never a timing. */
describe('npm run bench -- --smoke', () => {
  let resultsDir: string;
  let result: BenchResult;
  let files: string[];

  beforeAll(async () => {
    resultsDir = await mkdtemp(join(tmpdir(), 'seatgrid-bench-smoke-'));
    // The harness is compiled on its own (`npm run bench` does the same), then run as a child process like the apps.
    await run(process.execPath, ['node_modules/typescript/bin/tsc', '-b', 'bench/tsconfig.json']);
    const env = { ...process.env, BENCH_RESULTS_DIR: resultsDir, BENCH_PG_URL: SERVICES.PG, BENCH_REDIS_URL: SERVICES.REDIS, BENCH_AMQP_URL: SERVICES.AMQP };
    await run(process.execPath, ['dist/bench/run.js', '--smoke'], { env, timeout: SMOKE_BUDGET_MS }).catch((error: { code?: number; signal?: string; stdout?: string; stderr?: string }) => {
      throw new Error(`bench --smoke exited with ${error.code ?? `${error.signal} (over its ${SMOKE_BUDGET_MS} ms)`}:\n${error.stdout}\n${error.stderr}`);
    });
    files = await readdir(resultsDir);
    result = JSON.parse(await readFile(join(resultsDir, files.find((file) => file.endsWith('.json'))!), 'utf8')) as BenchResult;
  }, SMOKE_BUDGET_MS + 30_000);
  afterAll(() => rm(resultsDir, { recursive: true, force: true }));

  it('should run every baseline and scenario', () => {
    expect(result.smoke).toBe(true);
    expect(result.runs.map((r) => r.name)).toEqual(['bare-node-herd', 'nest-floor-herd', 'herd', 'herd-jwt', 'sync-herd', 'bare-node-requests', 'sold-out', 'seat-map', 'mixed', 'pg-updates', 'decisions', 'replicas-1', 'replicas-2', 'replicas-4', 'replica-failover']);
  });

  it('should find every invariant holding in PostgreSQL after every scenario', () => {
    const inPostgres = ['seats sold ≤ seats existing', 'no seat in two bookings', 'seat status agrees with its booking', 'every accepted booking terminal', 'no booking left in flight'];
    for (const name of ['herd', 'sync-herd', 'sold-out', 'seat-map', 'mixed', 'decisions']) {
      // The synchronous baseline sells without a payment step, so only SeatGrid's own runs are held to the ledger.
      const expected = [...inPostgres, 'counts agree with /events/{id}/stats', ...(name === 'sync-herd' ? [] : ['payments agree with bookings'])];
      expect(result.runs.find((r) => r.name === name)?.checks.map((check) => check.name)).toEqual(expect.arrayContaining(expected));
    }
    const violated = result.runs.flatMap((r) => r.checks.filter((check) => !check.ok).map((check) => `${r.name}: ${check.name}: ${check.detail}`));
    expect(violated).toEqual([]);
    expect(result.invariantsHold).toBe(true);
  });

  it('should decide every booking it got accepted', () => {
    const herd = result.runs.find((r) => r.name === 'herd')!;
    expect(herd.metrics.accepted).toBeGreaterThan(0);
    expect(herd.metrics.seatsSold).toBeLessThanOrEqual(herd.parameters.seats as number);
    const decisions = result.runs.find((r) => r.name === 'decisions')!;
    expect(decisions.metrics.decided).toBe(decisions.metrics.accepted);
  });

  it('should say where the CPU went: profiles of the herd gateway and the deciding inventory, CPU per decision', async () => {
    for (const [run, process] of [['herd', 'gateway'], ['decisions', 'inventory']]) {
      const profile = result.runs.find((r) => r.name === run)?.profile;
      expect(profile).toMatchObject({ process, busyMs: expect.any(Number) });
      expect(profile!.top.length).toBeGreaterThan(0);
    }
    expect(result.runs.find((r) => r.name === 'decisions')?.metrics).toEqual(expect.objectContaining({ inventoryCpuUsPerDecision: expect.any(Number), postgresCpuUsPerDecision: expect.any(Number) }));
    expect(await readFile(join(resultsDir, 'latest.md'), 'utf8')).toContain('CPU profile of the gateway');
  });

  it('should write the JSON, Markdown and SVG reports', async () => {
    expect(files).toEqual(expect.arrayContaining(['latest.md', expect.stringMatching(/\.md$/), expect.stringMatching(/\.svg$/)]));
    expect(await readFile(join(resultsDir, files.find((file) => file.endsWith('.svg'))!), 'utf8')).toMatch(/^<svg/);
  });

  it('should leave no database, queue or Redis key behind', async () => {
    const admin = new Client({ connectionString: `${SERVICES.PG}/postgres` });
    await admin.connect();
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [result.namespace]);
    await admin.end();
    expect(rowCount).toBe(0);

    const redis = new Redis(SERVICES.REDIS);
    const keys = await redis.keys(`${result.namespace}:*`);
    redis.disconnect();
    expect(keys).toEqual([]);

    const connection = await amqp.connect(SERVICES.AMQP);
    const topology = bookingTopology(result.namespace.replace('_', '-'), loadConfig({}).rabbitmq.shards);
    const present: string[] = [];
    for (const queue of [...topology.shardQueues, ...topology.retryQueues, topology.deadLetterQueue]) {
      // Checking a missing queue closes the channel, so each check gets its own.
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      if (await channel.checkQueue(queue).then(() => true, () => false)) present.push(queue);
      await channel.close().catch(() => undefined);
    }
    await connection.close();
    expect(present).toEqual([]);
  });
});

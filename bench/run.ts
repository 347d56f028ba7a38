import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { bareNodeHerd, bareNodeRequests, nestFloorHerd, pgUpdates, syncHerd } from './baselines/runs.js';
import { latencyChart } from './chart.js';
import { type BenchOptions, parseOptions } from './options.js';
import { openFilesLimit } from './processes.js';
import { aimsOf, ratiosOf, renderMarkdown } from './report.js';
import type { BenchResult, RunResult } from './result.js';
import type { Context } from './scenarios/common.js';
import { decisions } from './scenarios/decisions.js';
import { herd } from './scenarios/herd.js';
import { mixed } from './scenarios/mixed.js';
import { seatMap } from './scenarios/seat-map.js';
import { soldOut } from './scenarios/sold-out.js';
import { tokenHerd } from './scenarios/token-herd.js';
import { BenchSystem } from './system.js';

/**
 * `npm run bench [-- --smoke]`: starts a private SeatGrid, runs the baselines and scenarios in an order that puts each
 * comparison next to its baseline, checks the invariants in PostgreSQL after each, and writes the reports.
 * Exit code: 0 when every invariant held (aims may be missed), 1 when one was violated, 2 when the bench itself failed.
 */
const PLAN: ((context: Context) => Promise<RunResult>)[] = [bareNodeHerd, nestFloorHerd, herd, tokenHerd, syncHerd, bareNodeRequests, soldOut, seatMap, mixed, pgUpdates, decisions];
/** The run name of each step, for BENCH_ONLY. */
const RUN_NAMES = new Map<(context: Context) => Promise<RunResult>, string>([
  [bareNodeHerd, 'bare-node-herd'],
  [nestFloorHerd, 'nest-floor-herd'],
  [herd, 'herd'],
  [tokenHerd, 'herd-jwt'],
  [syncHerd, 'sync-herd'],
  [bareNodeRequests, 'bare-node-requests'],
  [soldOut, 'sold-out'],
  [seatMap, 'seat-map'],
  [mixed, 'mixed'],
  [pgUpdates, 'pg-updates'],
  [decisions, 'decisions'],
]);

/** Sockets besides the generator's connections: PostgreSQL, Redis and RabbitMQ clients, files, the baselines. */
const OTHER_FILES = 200;

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const limit = openFilesLimit();
  const needed = options.connections + options.pollConnections + OTHER_FILES;
  if (limit !== undefined && limit < needed) {
    throw new Error(`open-file limit ${limit} is below the ${needed} this run needs: raise it (ulimit -n ${needed}) or lower BENCH_CONNECTIONS`);
  }
  const startedAt = new Date();
  const loadBefore = loadavg();
  const log = (line: string) => console.log(`[bench ${((Date.now() - startedAt.getTime()) / 1000).toFixed(1)}s] ${line}`);
  log(`${options.smoke ? 'smoke run' : 'full run'}: starting a private SeatGrid`);
  const system = await BenchSystem.start(options, process.env);
  const stopOnSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: cleaning up`);
    void system.destroy().finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);

  const runs: RunResult[] = [];
  let postgres: string;
  try {
    [{ version: postgres }] = await system.sql<{ version: string }>(`SELECT split_part(version(), ' (', 1) AS version`);
    for (const step of PLAN) {
      if (options.only.length > 0 && !options.only.includes(RUN_NAMES.get(step)!)) continue;
      const run = await step({ system, options, log });
      runs.push(run);
      const failed = run.checks.filter((check) => !check.ok);
      log(`${run.name}: ${headline(run)}${failed.length > 0 ? ` — VIOLATED: ${failed.map((c) => `${c.name} (${c.detail})`).join('; ')}` : ''}`);
    }
  } finally {
    await system.destroy();
  }

  const byName = new Map(runs.map((run) => [run.name, run]));
  const ratios = ratiosOf(byName);
  const result: BenchResult = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    smoke: options.smoke,
    namespace: system.name,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGb: Math.round(totalmem() / 2 ** 30),
      os: `Linux ${release()}`,
      node: process.version,
      postgres,
      loadBefore: loadBefore.map((n) => n.toFixed(2)).join(' '),
      loadAfter: loadavg().map((n) => n.toFixed(2)).join(' '),
    },
    options: { ...options, services: undefined },
    appSettings: Object.fromEntries(Object.entries(system.appEnv).filter(([name]) => !name.endsWith('_URL') && !name.endsWith('_PREFIX'))),
    runs,
    ratios,
    aims: aimsOf(byName, ratios, options.seats),
    invariantsHold: runs.every((run) => run.checks.every((check) => check.ok)),
  };
  const files = await writeResults(result, options);
  for (const aim of result.aims) log(`aim ${aim.met ? 'met   ' : 'MISSED'} ${aim.name}: ${aim.measured}`);
  log(`wrote ${files.join(', ')}`);
  log(result.invariantsHold ? 'every invariant held' : 'INVARIANTS VIOLATED');
  return result.invariantsHold ? 0 : 1;
}

function headline(run: RunResult): string {
  const parts = Object.entries(run.http).map(([phase, h]) => `${phase} ${h.requests} req, ${h.rps}/s, p50 ${h.latencyMs.p50} p99 ${h.latencyMs.p99} ms`);
  if (run.decisionMs) parts.push(`decision p50 ${run.decisionMs.p50} p99 ${run.decisionMs.p99} ms`);
  parts.push(...Object.entries(run.metrics).map(([name, value]) => `${name} ${Number.isInteger(value) ? value : value.toFixed(3)}`));
  return parts.join('; ');
}

/** `<date>.json`, `<date>.md` with `<date>.svg`, and `latest.md` (a copy pointing at the same chart). */
async function writeResults(result: BenchResult, options: BenchOptions): Promise<string[]> {
  await mkdir(options.resultsDir, { recursive: true });
  const stamp = result.startedAt.slice(0, 19).replace(/:/g, '-');
  const chart = `${stamp}.svg`;
  const markdown = renderMarkdown(result, chart);
  const files: [string, string][] = [
    [`${stamp}.json`, `${JSON.stringify(result, null, 2)}\n`],
    [chart, await latencyChart(result.runs)],
    [`${stamp}.md`, markdown],
    ['latest.md', markdown],
  ];
  for (const [name, content] of files) await writeFile(join(options.resultsDir, name), content);
  return files.map(([name]) => join(options.resultsDir, name));
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(2);
  },
);

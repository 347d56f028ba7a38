import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** Rows the updates pick from at random: enough that clients rarely wait on each other's row locks. */
const ROWS = 10_000;
const TABLE = 'bench_counters';

export interface PgUpdateRate {
  tps: number;
  tool: string;
}

/**
 * The PostgreSQL yardstick for batching: single-row UPDATE transactions per second on the same server, from
 * `clients` connections (one transaction = one commit = one WAL flush). pgbench with a custom script when it is
 * installed; otherwise an equivalent loop of pg clients (slower per transaction, so the ratio is then flattering).
 */
export async function measurePgUpdates(databaseUrl: string, clients: number, seconds: number): Promise<PgUpdateRate> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE TABLE ${TABLE} (id int PRIMARY KEY, n bigint NOT NULL DEFAULT 0)`);
    await admin.query(`INSERT INTO ${TABLE} (id) SELECT generate_series(1, ${ROWS})`);
    const version = await pgbenchVersion();
    return version ? { tps: await pgbench(databaseUrl, clients, seconds), tool: version } : { tps: await nodeLoop(databaseUrl, clients, seconds), tool: `node-postgres loop (pgbench not found)` };
  } finally {
    await admin.query(`DROP TABLE IF EXISTS ${TABLE}`);
    await admin.end();
  }
}

async function pgbenchVersion(): Promise<string | undefined> {
  try {
    return (await run('pgbench', ['--version'])).stdout.trim();
  } catch {
    return undefined;
  }
}

async function pgbench(databaseUrl: string, clients: number, seconds: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'seatgrid-pgbench-'));
  try {
    const script = join(dir, 'update.sql');
    await writeFile(script, `\\set id random(1, ${ROWS})\nUPDATE ${TABLE} SET n = n + 1 WHERE id = :id;\n`);
    const url = new URL(databaseUrl);
    const args = ['-n', '-f', script, '-c', String(clients), '-j', String(Math.min(clients, 2)), '-T', String(Math.ceil(seconds)), '-h', url.hostname, '-p', url.port || '5432'];
    if (url.username) args.push('-U', decodeURIComponent(url.username));
    args.push(decodeURIComponent(url.pathname.slice(1)));
    const { stdout } = await run('pgbench', args, { env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) } });
    const tps = /tps = ([\d.]+)/.exec(stdout);
    if (!tps) throw new Error(`pgbench printed no tps:\n${stdout}`);
    return Number(tps[1]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function nodeLoop(databaseUrl: string, clients: number, seconds: number): Promise<number> {
  const connections = await Promise.all(Array.from({ length: clients }, async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    return client;
  }));
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let done = 0;
  await Promise.all(
    connections.map(async (client) => {
      while (performance.now() < deadline) {
        await client.query(`UPDATE ${TABLE} SET n = n + 1 WHERE id = $1`, [1 + Math.floor(Math.random() * ROWS)]);
        done++;
      }
    }),
  );
  const elapsedS = (performance.now() - start) / 1000;
  await Promise.all(connections.map((client) => client.end()));
  return done / elapsedS;
}

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { type AppConfig, loadConfig } from '@app/config';
import { bookingTopology } from '@app/booking';
import { migrateDatabase } from '@app/database';
import { PAYMENT_MIGRATIONS } from '@app/payment';
import { GatewayClient } from './api.js';

export const SERVICES = { PG: 'postgres://postgres@127.0.0.1:5432', REDIS: 'redis://127.0.0.1:6379', AMQP: 'amqp://guest:guest@127.0.0.1:5672' };
const ENTRY = {
  gateway: 'dist/apps/gateway/apps/gateway/src/main.js',
  inventory: 'dist/apps/inventory/apps/inventory/src/main.js',
};
export type AppName = keyof typeof ENTRY;

/** A built app running as a child process, the way `npm start` runs it. */
export class RunningApp {
  readonly output: string[] = [];
  private exited: Promise<number | null>;

  constructor(readonly name: AppName, readonly url: string, readonly child: ChildProcess) {
    const keep = (chunk: Buffer) => this.output.push(...chunk.toString().split('\n').filter(Boolean).slice(-200));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Graceful stop (SIGTERM), as an orchestrator would do it. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.running) this.child.kill(signal);
    return this.exited;
  }
}

/**
 * A private corner of the shared services for one test file: its own database, its own RabbitMQ exchange/queue
 * prefix and its own Redis key prefix, all removed by {@link TestEnvironment.destroy}.
 */
export class TestEnvironment {
  readonly name = `sgtest_${randomBytes(4).toString('hex')}`;
  readonly env: Record<string, string>;
  readonly config: AppConfig;
  private readonly apps: RunningApp[] = [];

  constructor(env: Record<string, string> = {}) {
    this.env = {
      DATABASE_URL: `${SERVICES.PG}/${this.name}`,
      REDIS_URL: SERVICES.REDIS,
      RABBITMQ_URL: SERVICES.AMQP,
      RABBITMQ_PREFIX: this.name.replace('_', '-'),
      REDIS_PREFIX: this.name,
      LOG_LEVEL: 'warn',
      // Payments succeed quickly unless a spec asks otherwise: the saga's own specs set these.
      PAYMENT_FAILURE_RATE: '0',
      PAYMENT_LATENCY_MS: '5',
      // Two shards keep the routing exercised without declaring sixteen quorum queues per spec.
      SHARDS: '2',
      // Specs poll POST /bookings until a gateway catches up, faster than a buyer may book: a per-buyer limit would
      // answer 429 for a whole window and eat the wait's budget. The limit's own spec (rate-limit.e2e) sets it.
      RATE_LIMIT_PER_BUYER: '0',
      ...env,
    };
    this.config = loadConfig(this.env);
  }

  get topology() {
    return bookingTopology(this.config.rabbitmq.prefix, this.config.rabbitmq.shards);
  }

  async migrate(): Promise<this> {
    await migrateDatabase(this.config, PAYMENT_MIGRATIONS);
    return this;
  }

  /** Starts a built app with this environment (plus overrides) and waits until it answers /health/live. */
  async start(name: AppName, overrides: Record<string, string> = {}, { waitForReady = true } = {}): Promise<RunningApp> {
    if (!existsSync(ENTRY[name])) throw new Error(`${ENTRY[name]} is missing: run \`npm run build\` before the tests`);
    const port = String(await freePort());
    const portVariable = name === 'gateway' ? 'GATEWAY_PORT' : 'INVENTORY_PORT';
    const child = spawn(process.execPath, [ENTRY[name]], { env: { PATH: process.env.PATH, ...this.env, ...overrides, [portVariable]: port }, stdio: ['ignore', 'pipe', 'pipe'] });
    const app = new RunningApp(name, `http://127.0.0.1:${port}`, child);
    this.apps.push(app);
    const path = waitForReady ? '/health/ready' : '/health/live';
    await waitFor(async () => {
      if (!app.running) throw new Error(`${name} exited during start-up:\n${app.output.join('\n')}`);
      return (await fetch(`${app.url}${path}`).catch(() => undefined))?.status === 200;
    }, `${name} to answer ${path}`, 20_000);
    return app;
  }

  /** Schema, `inventories` inventory processes and one gateway; returns a client of that gateway. */
  async startSystem({ inventories = 1 } = {}): Promise<GatewayClient> {
    await this.migrate();
    await Promise.all(Array.from({ length: inventories }, () => this.start('inventory')));
    return new GatewayClient((await this.start('gateway')).url, this.env.ADMIN_TOKEN);
  }

  async sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.config.database.url });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async amqpChannel() {
    const connection = await amqp.connect(SERVICES.AMQP);
    const channel = await connection.createConfirmChannel();
    // A failed operation (a missing queue…) closes the channel and rejects its promise; the event itself is not news.
    channel.on('error', () => undefined);
    return { channel, close: () => connection.close().catch(() => undefined) };
  }

  /** Messages waiting in these queues of this environment (all of them summed). */
  async queueDepth(...queues: string[]): Promise<number> {
    const { channel, close } = await this.amqpChannel();
    try {
      let total = 0;
      for (const queue of queues) total += (await channel.checkQueue(queue)).messageCount;
      return total;
    } finally {
      await close();
    }
  }

  /** Booking commands waiting in the shard queues for an inventory. */
  commandsQueued(): Promise<number> {
    return this.queueDepth(...this.topology.shardQueues);
  }

  async destroy(): Promise<void> {
    await Promise.all(this.apps.splice(0).map((app) => app.stop('SIGKILL')));
    await this.deleteBrokerObjects();
    await this.deleteRedisKeys();
    const admin = new Client({ connectionString: `${SERVICES.PG}/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`);
    await admin.end();
  }

  private async deleteBrokerObjects(): Promise<void> {
    const { channel, close } = await this.amqpChannel();
    const topology = this.topology;
    for (const queue of [...topology.shardQueues, ...topology.retryQueues, topology.deadLetterQueue]) await channel.deleteQueue(queue);
    for (const exchange of [topology.commandsExchange, ...topology.retryExchanges, topology.deadLetterExchange, topology.eventsExchange]) await channel.deleteExchange(exchange);
    await close();
  }

  private async deleteRedisKeys(): Promise<void> {
    const redis = new Redis(SERVICES.REDIS);
    const keys = await redis.keys(`${this.name}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

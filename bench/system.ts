import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { BenchOptions } from './options.js';
import { type Child, runScript, startServer } from './processes.js';

/** The repository root, seen from the compiled file (dist/bench/system.js). */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const BUILT = {
  gateway: 'dist/apps/gateway/apps/gateway/src/main.js',
  inventory: 'dist/apps/inventory/apps/inventory/src/main.js',
  migrate: 'dist/apps/inventory/apps/inventory/src/migrate.js',
  config: 'dist/apps/inventory/libs/config/src/index.js',
  booking: 'dist/apps/inventory/libs/booking/src/index.js',
  contracts: 'dist/apps/inventory/libs/contracts/src/index.js',
};

/** What the harness needs from the built libraries, typed here because it cannot import `@app/*` (see tsconfig). */
interface BuiltConfig {
  CONFIG_ENV_NAMES: readonly string[];
  loadConfig(env: Record<string, string>): { rabbitmq: { shards: number } };
}
interface BuiltBooking {
  bookingTopology(prefix: string, shards: number): Record<string, string | string[] | number>;
  commandRoutingKey(messageName: string, eventId: number, shards: number): string;
}
interface BuiltContracts {
  BookingRequestedV1: { name: string; create(fields: object): object };
}

/** A booking request as the inventory receives it. */
export interface BookingCommand {
  bookingId: string;
  eventId: number;
  userId: string;
  seats: { row: number; col: number }[];
}

/** How the bench puts booking commands straight on the broker, as the gateways would have queued them. */
export interface CommandRoute {
  /** SHARDS as the apps run with it. */
  shards: number;
  exchange: string;
  routingKey(eventId: number): string;
  messageName: string;
  message(command: BookingCommand): object;
}

/** Variables the bench sets itself for every app; the same names in the bench's own environment are ignored. */
const OWNED_BY_BENCH = ['DATABASE_URL', 'REDIS_URL', 'RABBITMQ_URL', 'RABBITMQ_PREFIX', 'REDIS_PREFIX', 'GATEWAY_PORT', 'INVENTORY_PORT', 'ADMIN_TOKEN'];

/**
 * Defaults the bench gives the apps when the caller did not: quiet logs (logging 10,000 requests would measure the
 * logger), and — when the app has a mock payment provider — no declined payments, so that "every seat sold" holds.
 */
const BENCH_DEFAULTS: Record<string, string> = { LOG_LEVEL: 'warn', PAYMENT_FAILURE_RATE: '0', PAYMENT_HANG_RATE: '0' };

/**
 * A private SeatGrid for one bench run: its own database, RabbitMQ prefix and Redis prefix on the shared services,
 * the built gateway and inventory as child processes, all removed by {@link BenchSystem.destroy}.
 */
export class BenchSystem {
  readonly name = `sgbench_${randomBytes(4).toString('hex')}`;
  readonly databaseUrl: string;
  /** The environment every app process gets (ports aside). */
  readonly appEnv: Record<string, string>;
  readonly db: pg.Pool;
  gateway?: Child;
  /** The inventory replicas running now. */
  inventories: Child[] = [];
  /** Set by {@link BenchSystem.start}. */
  commands!: CommandRoute;
  private destroyed?: Promise<void>;

  private constructor(
    private readonly options: BenchOptions,
    configNames: readonly string[],
    private readonly topologyOf: (prefix: string) => Record<string, string | string[] | number>,
    callerEnv: NodeJS.ProcessEnv,
  ) {
    this.databaseUrl = `${options.services.pg}/${this.name}`;
    const tuning = configNames.filter((name) => !OWNED_BY_BENCH.includes(name));
    this.appEnv = {
      ...Object.fromEntries(tuning.filter((name) => Object.hasOwn(BENCH_DEFAULTS, name)).map((name) => [name, BENCH_DEFAULTS[name]])),
      ...Object.fromEntries(tuning.filter((name) => callerEnv[name]).map((name) => [name, callerEnv[name]!])),
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: options.services.redis,
      RABBITMQ_URL: options.services.amqp,
      RABBITMQ_PREFIX: this.name.replace('_', '-'),
      REDIS_PREFIX: this.name,
    };
    this.db = new pg.Pool({ connectionString: this.databaseUrl, max: 4 });
  }

  /** Creates the database and schema (`migrate`), then starts the inventory and the gateway and waits until ready. */
  static async start(options: BenchOptions, callerEnv: NodeJS.ProcessEnv): Promise<BenchSystem> {
    for (const path of Object.values(BUILT)) if (!existsSync(`${ROOT}${path}`)) throw new Error(`${path} is missing: run \`npm run build\` first`);
    const { CONFIG_ENV_NAMES, loadConfig } = await importBuilt<BuiltConfig>(BUILT.config);
    const { bookingTopology, commandRoutingKey } = await importBuilt<BuiltBooking>(BUILT.booking);
    const { BookingRequestedV1 } = await importBuilt<BuiltContracts>(BUILT.contracts);
    const topologyOf = (prefix: string) => bookingTopology(prefix, loadConfig(system.appEnv).rabbitmq.shards);
    const system: BenchSystem = new BenchSystem(options, CONFIG_ENV_NAMES, (prefix) => topologyOf(prefix), callerEnv);
    const shards = loadConfig(system.appEnv).rabbitmq.shards;
    system.commands = {
      shards,
      exchange: String(topologyOf(system.appEnv.RABBITMQ_PREFIX).commandsExchange),
      routingKey: (eventId) => commandRoutingKey(BookingRequestedV1.name, eventId, shards),
      messageName: BookingRequestedV1.name,
      message: (command) => BookingRequestedV1.create({ ...command, requestedAt: new Date().toISOString() }),
    };
    try {
      await runScript(`${ROOT}${BUILT.migrate}`, system.appEnv);
      await system.startInventory();
      await system.startGateway();
      return system;
    } catch (error) {
      await system.destroy();
      throw error;
    }
  }

  get gatewayUrl(): string {
    return this.gateway!.url;
  }

  /** Processes whose memory and CPU a report shows. */
  apps(): { name: string; pid: number }[] {
    return [this.gateway, ...this.inventories].filter((app): app is Child => app?.running === true).map((app) => ({ name: app.name, pid: app.pid }));
  }

  /** One inventory; with `profileDir`, the process writes a V8 CPU profile there when it stops. */
  async startInventory(profileDir?: string): Promise<void> {
    this.inventories.push(await startServer('inventory', `${ROOT}${BUILT.inventory}`, this.appEnv, 'INVENTORY_PORT', '/health/ready', appNodeFlags(profileDir)));
  }

  /** `count` more inventory replicas (inventory-0, inventory-1, …), started together; they split the shard queues. */
  async startInventories(count: number): Promise<Child[]> {
    const first = this.inventories.length;
    const started = await Promise.all(Array.from({ length: count }, (_, i) => startServer(`inventory-${first + i}`, `${ROOT}${BUILT.inventory}`, this.appEnv, 'INVENTORY_PORT', '/health/ready', appNodeFlags())));
    this.inventories.push(...started);
    return started;
  }

  async startGateway(profileDir?: string, env: Record<string, string> = {}): Promise<void> {
    this.gateway = await startServer('gateway', `${ROOT}${BUILT.gateway}`, { ...this.appEnv, ...env }, 'GATEWAY_PORT', '/health/ready', appNodeFlags(profileDir));
  }

  /**
   * Stops the gateway gracefully (a profiled one writes its profile now) and starts a fresh one with `env` on top of
   * the apps' environment, writing a CPU profile to `profileDir` if given.
   */
  async restartGateway(env: Record<string, string> = {}, profileDir?: string): Promise<void> {
    await this.gateway?.stop();
    this.gateway = undefined;
    await this.startGateway(profileDir, env);
  }

  /** Graceful stop of every inventory: undecided messages go back to the queue, as in a rolling restart. */
  async stopInventory(): Promise<void> {
    await Promise.all(this.inventories.splice(0).map((inventory) => inventory.stop()));
  }

  async sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.query(text, params)).rows as T[];
  }

  /** Stops the apps and removes the database, every exchange and queue under the prefix, and every Redis key. Idempotent. */
  destroy(): Promise<void> {
    this.destroyed ??= this.removeEverything();
    return this.destroyed;
  }

  private async removeEverything(): Promise<void> {
    await Promise.all([this.gateway?.stop(), this.stopInventory()]);
    await this.db.end();
    await this.deleteBrokerObjects(this.topologyOf(this.appEnv.RABBITMQ_PREFIX));
    await this.deleteRedisKeys();
    const admin = new pg.Client({ connectionString: `${this.options.services.pg}/postgres` });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  }

  /** Every queue and exchange of the built topology (`…Queue(s)`, `…Exchange(s)`), so that names added to it later are removed too. */
  private async deleteBrokerObjects(topology: Record<string, string | string[] | number>): Promise<void> {
    const connection = await amqp.connect(this.options.services.amqp);
    const named = (suffix: RegExp) => Object.entries(topology).flatMap(([key, value]) => (suffix.test(key) ? [value].flat() : [])).map(String);
    try {
      const channel = await connection.createChannel();
      for (const queue of named(/Queues?$/)) await channel.deleteQueue(queue);
      for (const exchange of named(/Exchanges?$/)) await channel.deleteExchange(exchange);
    } finally {
      await connection.close();
    }
  }

  private async deleteRedisKeys(): Promise<void> {
    const redis = new Redis(this.options.services.redis, { lazyConnect: true });
    await redis.connect();
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${this.appEnv.REDIS_PREFIX}:*`, 'COUNT', 1000);
        if (keys.length > 0) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  }
}

/** The apps run with the Node flags users get (the image's NODE_OPTIONS, npm start), plus a profiler when asked. */
const APP_NODE_FLAGS = ['--max-semi-space-size=4'];
const appNodeFlags = (dir?: string) => (dir ? [...APP_NODE_FLAGS, '--cpu-prof', `--cpu-prof-dir=${dir}`] : APP_NODE_FLAGS);

async function importBuilt<T>(path: string): Promise<T> {
  return (await import(pathToFileURL(`${ROOT}${path}`).href)) as T;
}

/** Where the compiled baseline servers live, next to this file. */
export function benchScript(relative: string): string {
  return fileURLToPath(new URL(relative, import.meta.url));
}

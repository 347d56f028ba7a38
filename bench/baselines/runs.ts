import { createEvent, gridFor } from '../api.js';
import { checkEvents } from '../invariants.js';
import { Recorder, closedLoop, connectionPool, send } from '../load.js';
import { type Child, UsageMeter, startServer } from '../processes.js';
import type { RunResult } from '../result.js';
import { type Context, outcomesOf, seatsTaken } from '../scenarios/common.js';
import { herdLoad, warmUp } from '../scenarios/herd.js';
import { benchScript } from '../system.js';
import { measurePgUpdates } from './pg-updates.js';

function startHelloServer(): Promise<Child> {
  return startServer('bare-node', benchScript('baselines/hello-server.js'), {}, 'PORT', '/');
}

/** Runs `work` against a freshly started baseline server and always stops it. */
async function withServer<T>(start: () => Promise<Child>, work: (server: Child) => Promise<T>): Promise<T> {
  const server = await start();
  try {
    return await work(server);
  } finally {
    await server.stop();
  }
}

function watch(server: Child): UsageMeter {
  return new UsageMeter(() => [{ name: server.name, pid: server.pid }]);
}

/** The herd's exact arrival pattern and requests against a hello-world node:http server: the intake latency floor. */
export function bareNodeHerd({ options, log }: Context): Promise<RunResult> {
  log(`baseline: herd pattern against a bare Node server`);
  return herdAgainst(startHelloServer, 'bare-node-herd', 'Bare Node server, herd arrival pattern', options);
}

/** The same herd against an empty NestJS + Fastify route: what the framework itself costs (see nest-floor-server.ts). */
export function nestFloorHerd({ options, log }: Context): Promise<RunResult> {
  log(`baseline: herd pattern against an empty NestJS route`);
  const start = () => startServer('nest-floor', benchScript('baselines/nest-floor-server.js'), {}, 'PORT', '/health');
  return herdAgainst(start, 'nest-floor-herd', 'Empty NestJS + Fastify route, herd arrival pattern', options);
}

function herdAgainst(start: () => Promise<Child>, name: string, title: string, options: Context['options']): Promise<RunResult> {
  return withServer(start, async (server) => {
    await warmUp(server.url, 1, options, false);
    const meter = watch(server);
    const load = await herdLoad(server.url, options, 1, name, async () => undefined);
    return {
      name,
      title,
      kind: 'baseline',
      parameters: { users: options.users, windowMs: options.herdWindowMs, connections: options.connections },
      http: { intake: load.intake },
      metrics: {},
      usage: meter.stop(),
      checks: [],
    };
  });
}

/** Closed-loop requests/s of the hello-world server with the sold-out and seat-map scenarios' clients and duration. */
export function bareNodeRequests({ options, log }: Context): Promise<RunResult> {
  log(`baseline: ${options.concurrency} closed-loop clients for ${options.durationS} s against a bare Node server`);
  return withServer(startHelloServer, async (server) => {
    const meter = watch(server);
    const pool = connectionPool(server.url, options.concurrency);
    const requests = new Recorder();
    try {
      const elapsedMs = await closedLoop(options.concurrency, { durationMs: options.durationS * 1000 }, async () => {
        await send(pool, requests, { method: 'GET', path: '/' });
      });
      return {
        name: 'bare-node-requests',
        title: 'Bare Node server, closed loop',
        kind: 'baseline',
        parameters: { concurrency: options.concurrency, durationS: options.durationS },
        http: { requests: requests.summary(elapsedMs) },
        metrics: {},
        usage: meter.stop(),
        checks: [],
      };
    } finally {
      await pool.close();
    }
  });
}

/** The herd against the naive synchronous design (one SELECT … FOR UPDATE transaction per request), on its own event. */
export async function syncHerd({ system, options, log }: Context): Promise<RunResult> {
  const warmUpEvent = await createEvent(system.gatewayUrl, 'bench synchronous warm-up', gridFor(options.seats));
  const eventId = await createEvent(system.gatewayUrl, 'bench synchronous baseline', gridFor(options.seats));
  log(`baseline: herd pattern against the synchronous booking server (pool of ${options.syncPoolSize})`);
  const env = { DATABASE_URL: system.databaseUrl, POOL_SIZE: String(options.syncPoolSize) };
  return withServer(
    () => startServer('sync-booking', benchScript('baselines/sync-booking-server.js'), env, 'PORT', '/health'),
    async (server) => {
      await warmUp(server.url, warmUpEvent, options, false);
      const meter = watch(server);
      const confirmed: string[] = [];
      const load = await herdLoad(server.url, options, eventId, 'sync', async (_, reply) => {
        if (reply?.status === 201) confirmed.push((JSON.parse(reply.body) as { bookingId: string }).bookingId);
      });
      const usage = meter.stop();
      return {
        name: 'sync-herd',
        title: 'Synchronous booking server, herd arrival pattern',
        kind: 'baseline',
        parameters: { users: options.users, seats: options.seats, windowMs: options.herdWindowMs, connections: options.connections, poolSize: options.syncPoolSize },
        http: { intake: load.intake },
        metrics: { confirmed: confirmed.length, seatsSold: await seatsTaken(system, [eventId]) },
        outcomes: await outcomesOf(system, confirmed),
        usage,
        // The synchronous design confirms without a payment step: CONFIRMED does not mean charged there.
        checks: await checkEvents(system, [eventId], confirmed, { gatewayUrl: system.gatewayUrl, payments: false }),
      };
    },
  );
}

/** Single-row UPDATE transactions per second on the bench's PostgreSQL database. */
export async function pgUpdates({ system, options, log }: Context): Promise<RunResult> {
  log(`baseline: single-row UPDATE transactions, ${options.pgbenchClients} clients for ${options.pgbenchSeconds} s`);
  const meter = new UsageMeter(() => []);
  const { tps, tool } = await measurePgUpdates(system.databaseUrl, options.pgbenchClients, options.pgbenchSeconds);
  return {
    name: 'pg-updates',
    title: 'PostgreSQL single-row UPDATE transactions',
    kind: 'baseline',
    parameters: { clients: options.pgbenchClients, seconds: options.pgbenchSeconds, tool },
    http: {},
    metrics: { tps: Math.round(tps) },
    usage: meter.stop(),
    checks: [],
  };
}

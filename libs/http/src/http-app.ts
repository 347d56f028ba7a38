import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from '@app/config';
import { AJV_OPTIONS, describeSchemaErrors } from '@app/contracts';
import { observeHttpResponses, stopTracing } from '@app/observability';
import { HttpErrorFilter } from './http-error.filter.js';
import { validationPipe } from './validation.js';

/** Requests larger than this are refused with 413 before parsing: bookings are a few hundred bytes. */
export const BODY_LIMIT_BYTES = 16 * 1024;
const REQUEST_ID_PATTERN = /^[\w.:-]{1,128}$/;
/** Longer than the 60 s idle timeout of common load balancers, so that they close idle connections first. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/**
 * Fastify as SeatGrid runs it: compiled JSON-schema validation with the contracts' rules (every error, no coercion,
 * unknown properties refused), errors that name the field, request ids, and a request that is still arriving after
 * `requestTimeoutMs` (headers and body) cut off — checked every second, not every 30 s as Node would.
 */
export function createFastifyAdapter(config: Pick<AppConfig, 'http'>): FastifyAdapter {
  const { requestTimeoutMs, trustedProxyHops } = config.http;
  return new FastifyAdapter({
    // The client address (per-IP rate limits) from the X-Forwarded-For entries of that many trusted proxies.
    trustProxy: (_address: string, hop: number) => hop < trustedProxyHops,
    bodyLimit: BODY_LIMIT_BYTES,
    // Echo a caller's X-Request-Id when it is sane, otherwise mint one, so one booking can be followed end to end.
    genReqId: (request: IncomingMessage) => {
      const given = request.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
      // Also on the raw request, where pino-http (the log context) looks for it.
      Object.assign(request, { id });
      return id;
    },
    logger: false,
    ajv: { customOptions: AJV_OPTIONS },
    schemaErrorFormatter: (errors) => new Error(describeSchemaErrors(errors).join('; ')),
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    serverFactory: (handler: RequestListener) =>
      createServer({ requestTimeout: requestTimeoutMs, headersTimeout: Math.min(requestTimeoutMs, 60_000), connectionsCheckingInterval: 1000 }, handler),
  });
}

/**
 * Connections waiting to be accepted. An on-sale opens a thousand at once while the event loop is busy answering:
 * with Node's default of 511 the kernel drops the overflow's SYNs and those buyers retry a second later. The kernel
 * caps it at net.core.somaxconn.
 */
const LISTEN_BACKLOG = 4096;

export async function listen(app: NestFastifyApplication, port: number): Promise<void> {
  await app.listen({ port, host: '0.0.0.0', backlog: LISTEN_BACKLOG });
}

/** Runs first on shutdown, before Nest's hooks: e.g. a consumer stops taking and drains its in-flight messages. */
export type Drain = () => Promise<void>;

/** Wires what every HTTP app of SeatGrid shares: validation, the error filter, request ids and graceful shutdown. */
export function configureHttpApp<T extends INestApplication>(app: T, config: Pick<AppConfig, 'logLevel'>, drain?: Drain): T {
  app.useGlobalPipes(validationPipe);
  app.useGlobalFilters(new HttpErrorFilter());
  observeHttpResponses(app, config.logLevel);
  closeGracefullyOnSignals(app, drain);
  const fastify = (app as unknown as NestFastifyApplication).getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  return app;
}

/** Stops taking work, drains what is in flight (HTTP requests, messages), then exits 0; a stuck drain exits 1. */
const SHUTDOWN_DEADLINE_MS = 25_000;

function closeGracefullyOnSignals(app: INestApplication, drain: Drain = async () => undefined): void {
  let closing = false;
  // A terminal's Ctrl-C reaches every process of the group (npm, concurrently, the app): act on the first signal only.
  const close = () => {
    if (closing) return;
    closing = true;
    setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS).unref();
    drain()
      .then(() => app.close())
      .then(stopTracing)
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGTERM', close);
  process.on('SIGINT', close);
}

export async function createHttpApp(
  module: Parameters<typeof NestFactory.create>[0],
  config: Pick<AppConfig, 'http' | 'logLevel'>,
  drain?: (app: NestFastifyApplication) => Promise<void>,
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(module, createFastifyAdapter(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  return configureHttpApp(app, config, drain && (() => drain(app)));
}

import 'reflect-metadata';
import { createHmac } from 'node:crypto';
import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsNumber, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min, MinLength, validateSync } from 'class-validator';
import { type ConfigProblem, crossVariableProblems, type SeatGridApp, validationProblems } from './config-problems.js';

export { ADMIN_TOKEN_PLACEHOLDER, type ConfigProblem, type SeatGridApp } from './config-problems.js';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

/** `jwt`: bearer tokens of an OIDC provider; `header`: the identity comes from a trusted proxy in front of the gateway. */
export const AUTH_MODES = ['jwt', 'header'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

const toNumber = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));

/** Every environment variable SeatGrid reads, with its rule and default. The only place `process.env` is parsed. */
export class EnvDto {
  /** `production` turns on the start-up rules that refuse an open gateway (docs/deployment.md). */
  @IsIn(NODE_ENVS)
  NODE_ENV: NodeEnv = 'development';

  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/seatgrid';

  @IsUrl({ protocols: ['redis', 'rediss'], require_tld: false, require_protocol: true })
  REDIS_URL = 'redis://127.0.0.1:6379';

  @IsUrl({ protocols: ['amqp', 'amqps'], require_tld: false, require_protocol: true })
  RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

  /** Prefix of every exchange and queue name: lets tests and tenants share one broker. */
  @Matches(/^[a-z][a-z0-9_-]{0,40}$/, { message: 'RABBITMQ_PREFIX must be lower-case letters, digits, "_" or "-" (max 41)' })
  RABBITMQ_PREFIX = 'seatgrid';

  /** Prefix of every Redis key and channel. */
  @Matches(/^[a-z][a-z0-9_-]{0,40}$/, { message: 'REDIS_PREFIX must be lower-case letters, digits, "_" or "-" (max 41)' })
  REDIS_PREFIX = 'seatgrid';

  @Transform(toNumber) @IsInt() @Min(0) @Max(65535)
  GATEWAY_PORT = 3000;

  @Transform(toNumber) @IsInt() @Min(0) @Max(65535)
  INVENTORY_PORT = 3001;

  @IsOptional() @IsString() @MinLength(16, { message: 'ADMIN_TOKEN must be at least 16 characters when set' })
  ADMIN_TOKEN?: string;

  /** Unset means `header`, except for a production gateway, which must be told. */
  @IsOptional() @IsIn(AUTH_MODES)
  AUTH_MODE?: AuthMode;

  /** Where the OIDC provider publishes the keys that sign its tokens (AUTH_MODE=jwt). */
  @IsOptional() @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  AUTH_JWKS_URL?: string;

  /** The `iss` claim accepted tokens carry (AUTH_MODE=jwt). */
  @IsOptional() @IsString() @IsNotEmpty()
  AUTH_ISSUER?: string;

  /** The `aud` claim accepted tokens carry (AUTH_MODE=jwt). */
  @IsOptional() @IsString() @IsNotEmpty()
  AUTH_AUDIENCE?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** How long the gateway waits for RabbitMQ's publisher confirm before answering 503. */
  @Transform(toNumber) @IsInt() @Min(100) @Max(60_000)
  PUBLISH_CONFIRM_TIMEOUT_MS = 5000;

  /** Unacknowledged booking messages one inventory consumer may hold per shard queue. */
  @Transform(toNumber) @IsInt() @Min(1) @Max(5000)
  RABBITMQ_PREFETCH = 500;

  /** Shard queues that commands are spread over by event id; every gateway and inventory must use the same number. */
  @Transform(toNumber) @IsInt() @Min(1) @Max(256)
  SHARDS = 16;

  /** An inventory whose oldest unacknowledged message is older than this has stopped making progress (health fails). */
  @Transform(toNumber) @IsInt() @Min(1) @Max(3600)
  CONSUMER_STALL_SECONDS = 60;

  /** Most booking requests decided in one PostgreSQL transaction. */
  @Transform(toNumber) @IsInt() @Min(1) @Max(5000)
  BOOKING_BATCH_SIZE = 250;

  @Transform(toNumber) @IsInt() @Min(1) @Max(200)
  DATABASE_POOL_SIZE = 10;

  /** The gateway's separate pool for cold reads (stats, booking views, seat maps without Redis). */
  @Transform(toNumber) @IsInt() @Min(1) @Max(100)
  DATABASE_READ_POOL_SIZE = 4;

  /** A request (headers and body) still arriving after this long is cut off. */
  @Transform(toNumber) @IsInt() @Min(100) @Max(600_000)
  HTTP_REQUEST_TIMEOUT_MS = 30_000;

  /** How long seats stay HELD for a buyer whose payment has not completed; then EXPIRED and released. */
  @Transform(toNumber) @IsInt() @Min(1) @Max(86_400)
  HOLD_TTL_SECONDS = 600;

  /** Mock payment provider: mean latency of a call (jitter ±50%). */
  @Transform(toNumber) @IsInt() @Min(0) @Max(60_000)
  PAYMENT_LATENCY_MS = 50;

  /** Mock payment provider: share of charges declined (0..1). */
  @Transform(toNumber) @IsNumber() @Min(0) @Max(1)
  PAYMENT_FAILURE_RATE = 0.1;

  /** Mock payment provider: share of calls that never answer (0..1), to exercise timeouts. */
  @Transform(toNumber) @IsNumber() @Min(0) @Max(1)
  PAYMENT_HANG_RATE = 0;

  /** Mock payment provider: seed that makes declines and hangs a pure function of the idempotency key. */
  @IsOptional() @IsString() @MaxLength(64)
  PAYMENT_SEED?: string;

  /** Longest wait for one payment call before it counts as timed out and is retried. */
  @Transform(toNumber) @IsInt() @Min(10) @Max(60_000)
  PAYMENT_TIMEOUT_MS = 2000;

  /** Payment attempts per booking (with exponential backoff and jitter) before it ends as FAILED. */
  @Transform(toNumber) @IsInt() @Min(1) @Max(10)
  PAYMENT_MAX_ATTEMPTS = 4;

  /** Payment calls in flight at once per inventory process. */
  @Transform(toNumber) @IsInt() @Min(1) @Max(1000)
  PAYMENT_CONCURRENCY = 64;

  /** Signs the waiting room's admission tokens; every gateway must share it. Unset: derived from ADMIN_TOKEN. */
  @IsOptional() @IsString() @MinLength(32, { message: 'QUEUE_TOKEN_SECRET must be at least 32 characters when set' })
  QUEUE_TOKEN_SECRET?: string;

  /** How long an admitted buyer's admission token stays valid, from the moment of admission. */
  @Transform(toNumber) @IsInt() @Min(1) @Max(3600)
  QUEUE_TOKEN_TTL_SECONDS = 300;

  /** OTLP/HTTP collector (e.g. http://jaeger:4318): traces are exported only when it is set. */
  @IsOptional() @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
}

/** The validated configuration; an abstract class so that Nest can inject it by type. */
export abstract class AppConfig {
  abstract readonly nodeEnv: NodeEnv;
  abstract readonly auth: { mode: AuthMode; jwksUrl?: string; issuer?: string; audience?: string };
  abstract readonly database: { url: string; poolSize: number; readPoolSize: number };
  abstract readonly redis: { url: string; prefix: string };
  abstract readonly rabbitmq: { url: string; prefix: string; prefetch: number; shards: number; publishConfirmTimeoutMs: number };
  abstract readonly http: { requestTimeoutMs: number };
  abstract readonly gateway: { port: number; adminToken?: string };
  abstract readonly inventory: { port: number; batchSize: number; stallSeconds: number };
  abstract readonly saga: { holdTtlSeconds: number; paymentTimeoutMs: number; paymentMaxAttempts: number; paymentConcurrency: number };
  abstract readonly payment: { latencyMs: number; failureRate: number; hangRate: number; seed?: string };
  abstract readonly waitingRoom: { tokenSecret: string; tokenTtlSeconds: number };
  abstract readonly logLevel: string;
  abstract readonly otel: { endpoint?: string };
}

/** The variable names the configuration understands (deployment manifests are checked against it). */
export const CONFIG_ENV_NAMES: readonly string[] = Object.keys(new EnvDto());

export class ConfigError extends Error {
  readonly problems: string[];
  /** The names of the bad variables, each once. */
  readonly variables: string[];

  constructor(found: ConfigProblem[]) {
    const problems = found.map((problem) => problem.text);
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
    this.variables = [...new Set(found.map((problem) => problem.variable))];
  }
}

/**
 * Validates the environment once and returns the typed configuration, or throws naming every bad variable (never
 * showing a secret). `app` adds the rules of that entry point; without it only the rules every app shares apply.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, app?: SeatGridApp): AppConfig {
  const provided = Object.fromEntries(CONFIG_ENV_NAMES.filter((name) => env[name] !== undefined && env[name] !== '').map((name) => [name, env[name]]));
  const dto = Object.assign(new EnvDto(), plainToInstance(EnvDto, provided));
  const problems = [...validationProblems(validateSync(dto, { forbidUnknownValues: false }), provided), ...crossVariableProblems(dto, app)];
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    nodeEnv: dto.NODE_ENV,
    auth: { mode: dto.AUTH_MODE ?? 'header', jwksUrl: dto.AUTH_JWKS_URL, issuer: dto.AUTH_ISSUER, audience: dto.AUTH_AUDIENCE },
    database: { url: dto.DATABASE_URL, poolSize: dto.DATABASE_POOL_SIZE, readPoolSize: dto.DATABASE_READ_POOL_SIZE },
    redis: { url: dto.REDIS_URL, prefix: dto.REDIS_PREFIX },
    rabbitmq: { url: dto.RABBITMQ_URL, prefix: dto.RABBITMQ_PREFIX, prefetch: dto.RABBITMQ_PREFETCH, shards: dto.SHARDS, publishConfirmTimeoutMs: dto.PUBLISH_CONFIRM_TIMEOUT_MS },
    http: { requestTimeoutMs: dto.HTTP_REQUEST_TIMEOUT_MS },
    gateway: { port: dto.GATEWAY_PORT, adminToken: dto.ADMIN_TOKEN },
    inventory: { port: dto.INVENTORY_PORT, batchSize: dto.BOOKING_BATCH_SIZE, stallSeconds: dto.CONSUMER_STALL_SECONDS },
    saga: { holdTtlSeconds: dto.HOLD_TTL_SECONDS, paymentTimeoutMs: dto.PAYMENT_TIMEOUT_MS, paymentMaxAttempts: dto.PAYMENT_MAX_ATTEMPTS, paymentConcurrency: dto.PAYMENT_CONCURRENCY },
    payment: { latencyMs: dto.PAYMENT_LATENCY_MS, failureRate: dto.PAYMENT_FAILURE_RATE, hangRate: dto.PAYMENT_HANG_RATE, seed: dto.PAYMENT_SEED },
    waitingRoom: { tokenSecret: dto.QUEUE_TOKEN_SECRET ?? queueTokenSecretFrom(dto.ADMIN_TOKEN), tokenTtlSeconds: dto.QUEUE_TOKEN_TTL_SECONDS },
    logLevel: dto.LOG_LEVEL,
    otel: { endpoint: dto.OTEL_EXPORTER_OTLP_ENDPOINT },
  };
}

/** Used only where nothing secret is configured (development): such a gateway's event creation is open too. */
const DEVELOPMENT_QUEUE_SECRET = 'seatgrid-development-only-admission-token-secret';

/**
 * Without QUEUE_TOKEN_SECRET, admission tokens are signed with a key derived from ADMIN_TOKEN (which a production
 * gateway must have, and every gateway shares): a token never reveals the admin token it was derived from.
 */
function queueTokenSecretFrom(adminToken: string | undefined): string {
  return adminToken ? createHmac('sha256', adminToken).update('seatgrid admission tokens').digest('hex') : DEVELOPMENT_QUEUE_SECRET;
}

/** For entry points: the configuration of `app`, or a message naming every bad variable and exit code 1. */
export function loadConfigOrExit(app: SeatGridApp): AppConfig {
  try {
    return loadConfig(process.env, app);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

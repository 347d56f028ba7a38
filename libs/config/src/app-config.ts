import { createHmac } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { type ConfigProblem, crossVariableProblems, type SeatGridApp, validationProblems } from './config-problems.js';
import { type AuthMode, EnvDto, type NodeEnv } from './env.dto.js';

export { ADMIN_TOKEN_PLACEHOLDER, type ConfigProblem, type SeatGridApp } from './config-problems.js';
export { AUTH_MODES, type AuthMode, EnvDto, NODE_ENVS, type NodeEnv } from './env.dto.js';

/** The validated configuration; an abstract class so that Nest can inject it by type. */
export abstract class AppConfig {
  abstract readonly nodeEnv: NodeEnv;
  abstract readonly auth: { mode: AuthMode; jwksUrl?: string; issuer?: string; audience?: string };
  abstract readonly database: { url: string; poolSize: number; readPoolSize: number; replicaUrl?: string; replicaMaxLagSeconds: number };
  abstract readonly redis: { url: string; prefix: string };
  abstract readonly rabbitmq: { url: string; prefix: string; prefetch: number; shards: number; publishConfirmTimeoutMs: number };
  abstract readonly http: { requestTimeoutMs: number; trustedProxyHops: number };
  abstract readonly gateway: {
    port: number;
    adminToken?: string;
    maxTicketsPerBuyer: number;
    rateLimits: { perBuyer: number; perIp: number; windowSeconds: number };
  };
  abstract readonly inventory: { port: number; replicas: number; shardLeaseSeconds: number; batchSize: number; stallSeconds: number };
  abstract readonly saga: { holdTtlSeconds: number; paymentTimeoutMs: number; paymentMaxAttempts: number; paymentConcurrency: number };
  abstract readonly payment: { latencyMs: number; failureRate: number; hangRate: number; seed?: string };
  abstract readonly waitingRoom: { tokenSecret: string; tokenTtlSeconds: number };
  abstract readonly logLevel: string;
  abstract readonly otel: { endpoint?: string };
  abstract readonly insights: { clickhouseUrl?: string; flushMs: number };
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
    database: {
      url: dto.DATABASE_URL,
      poolSize: dto.DATABASE_POOL_SIZE,
      readPoolSize: dto.DATABASE_READ_POOL_SIZE,
      replicaUrl: dto.DATABASE_REPLICA_URL,
      replicaMaxLagSeconds: dto.DATABASE_REPLICA_MAX_LAG_SECONDS,
    },
    redis: { url: dto.REDIS_URL, prefix: dto.REDIS_PREFIX },
    rabbitmq: { url: dto.RABBITMQ_URL, prefix: dto.RABBITMQ_PREFIX, prefetch: dto.RABBITMQ_PREFETCH, shards: dto.SHARDS, publishConfirmTimeoutMs: dto.PUBLISH_CONFIRM_TIMEOUT_MS },
    http: { requestTimeoutMs: dto.HTTP_REQUEST_TIMEOUT_MS, trustedProxyHops: dto.TRUSTED_PROXY_HOPS },
    gateway: {
      port: dto.GATEWAY_PORT,
      adminToken: dto.ADMIN_TOKEN,
      maxTicketsPerBuyer: dto.MAX_TICKETS_PER_BUYER,
      rateLimits: { perBuyer: dto.RATE_LIMIT_PER_BUYER, perIp: dto.RATE_LIMIT_PER_IP, windowSeconds: dto.RATE_LIMIT_WINDOW_SECONDS },
    },
    inventory: {
      port: dto.INVENTORY_PORT,
      replicas: dto.INVENTORY_REPLICAS,
      shardLeaseSeconds: dto.SHARD_LEASE_SECONDS,
      batchSize: dto.BOOKING_BATCH_SIZE,
      stallSeconds: dto.CONSUMER_STALL_SECONDS,
    },
    saga: { holdTtlSeconds: dto.HOLD_TTL_SECONDS, paymentTimeoutMs: dto.PAYMENT_TIMEOUT_MS, paymentMaxAttempts: dto.PAYMENT_MAX_ATTEMPTS, paymentConcurrency: dto.PAYMENT_CONCURRENCY },
    payment: { latencyMs: dto.PAYMENT_LATENCY_MS, failureRate: dto.PAYMENT_FAILURE_RATE, hangRate: dto.PAYMENT_HANG_RATE, seed: dto.PAYMENT_SEED },
    waitingRoom: { tokenSecret: dto.QUEUE_TOKEN_SECRET ?? queueTokenSecretFrom(dto.ADMIN_TOKEN), tokenTtlSeconds: dto.QUEUE_TOKEN_TTL_SECONDS },
    logLevel: dto.LOG_LEVEL,
    otel: { endpoint: dto.OTEL_EXPORTER_OTLP_ENDPOINT },
    insights: { clickhouseUrl: dto.CLICKHOUSE_URL, flushMs: dto.INSIGHTS_FLUSH_MS },
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

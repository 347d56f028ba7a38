import 'reflect-metadata';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsNumber, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

/** `jwt`: bearer tokens of an OIDC provider; `header`: the identity comes from a trusted proxy in front of the gateway. */
export const AUTH_MODES = ['jwt', 'header'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

const toNumber = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));

/** Every environment variable SeatGrid reads, with its rule and default; `loadConfig` (app-config.ts) validates the environment against it. */
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

  /** Tickets (HELD or CONFIRMED seats) one buyer may have for one event, unless the event sets its own. */
  @Transform(toNumber) @IsInt() @Min(1) @Max(100)
  MAX_TICKETS_PER_BUYER = 10;

  /** POST /bookings a buyer may send per window, across all gateways (0 turns the limit off). */
  @Transform(toNumber) @IsInt() @Min(0) @Max(100_000)
  RATE_LIMIT_PER_BUYER = 10;

  /** POST /bookings one client address may send per window (0: off; behind proxies set TRUSTED_PROXY_HOPS). */
  @Transform(toNumber) @IsInt() @Min(0) @Max(1_000_000)
  RATE_LIMIT_PER_IP = 0;

  @Transform(toNumber) @IsInt() @Min(1) @Max(3600)
  RATE_LIMIT_WINDOW_SECONDS = 10;

  /** Proxies in front of the gateway whose X-Forwarded-For entries are trusted for the client address. */
  @Transform(toNumber) @IsInt() @Min(0) @Max(10)
  TRUSTED_PROXY_HOPS = 0;

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

  /** Inventory processes `npm start` runs (replica i serves health and metrics on INVENTORY_PORT + i). */
  @Transform(toNumber) @IsInt() @Min(1) @Max(16)
  INVENTORY_REPLICAS = 1;

  /** An inventory replica not heard from (PostgreSQL heartbeat) for this long loses its shards to the others. */
  @Transform(toNumber) @IsInt() @Min(2) @Max(60)
  SHARD_LEASE_SECONDS = 5;

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

  /** A streaming replica of DATABASE_URL for reads that tolerate a little staleness (docs: README, Read replica). */
  @IsOptional() @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true })
  DATABASE_REPLICA_URL?: string;

  /** A replica further behind than this, or unreachable, is bypassed: its reads go to the primary. */
  @Transform(toNumber) @IsNumber() @Min(0.1) @Max(3600)
  DATABASE_REPLICA_MAX_LAG_SECONDS = 2;

  /** ClickHouse's HTTP interface for seat-demand insights; unset, they are kept in PostgreSQL rollup tables. */
  @IsOptional() @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  CLICKHOUSE_URL?: string;

  /** How often a gateway writes the seat-demand counts it gathered in memory (a crash loses at most this much). */
  @Transform(toNumber) @IsInt() @Min(100) @Max(60_000)
  INSIGHTS_FLUSH_MS = 5000;

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

import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));

/** Every environment variable SeatGrid reads, with its rule and default. The only place `process.env` is parsed. */
export class EnvDto {
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

  @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  GATEWAY_PORT = 3000;

  @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  INVENTORY_PORT = 3001;

  @IsOptional() @IsString() @MinLength(16, { message: 'ADMIN_TOKEN must be at least 16 characters when set' })
  ADMIN_TOKEN?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** How long the gateway waits for RabbitMQ's publisher confirm before answering 503. */
  @Transform(toInt) @IsInt() @Min(100) @Max(60_000)
  PUBLISH_CONFIRM_TIMEOUT_MS = 5000;

  /** Unacknowledged booking messages one inventory consumer may hold (also the largest batch). */
  @Transform(toInt) @IsInt() @Min(1) @Max(5000)
  RABBITMQ_PREFETCH = 500;

  /** Most booking requests decided in one PostgreSQL transaction. */
  @Transform(toInt) @IsInt() @Min(1) @Max(5000)
  BOOKING_BATCH_SIZE = 250;

  @Transform(toInt) @IsInt() @Min(1) @Max(200)
  DATABASE_POOL_SIZE = 10;
}

/** The validated configuration; an abstract class so that Nest can inject it by type. */
export abstract class AppConfig {
  abstract readonly database: { url: string; poolSize: number };
  abstract readonly redis: { url: string; prefix: string };
  abstract readonly rabbitmq: { url: string; prefix: string; prefetch: number; publishConfirmTimeoutMs: number };
  abstract readonly gateway: { port: number; adminToken?: string };
  abstract readonly inventory: { port: number; batchSize: number };
  abstract readonly logLevel: string;
}

/** The variable names the configuration understands (deployment manifests are checked against it). */
export const CONFIG_ENV_NAMES: readonly string[] = Object.keys(new EnvDto());

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment once and returns the typed configuration, or throws naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const provided = Object.fromEntries(CONFIG_ENV_NAMES.filter((name) => env[name] !== undefined && env[name] !== '').map((name) => [name, env[name]]));
  const dto = Object.assign(new EnvDto(), plainToInstance(EnvDto, provided));
  const errors = validateSync(dto, { forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new ConfigError(errors.map((error) => `${error.property}=${JSON.stringify(provided[error.property] ?? null)}: ${Object.values(error.constraints ?? {}).join('; ')}`));
  }
  return {
    database: { url: dto.DATABASE_URL, poolSize: dto.DATABASE_POOL_SIZE },
    redis: { url: dto.REDIS_URL, prefix: dto.REDIS_PREFIX },
    rabbitmq: { url: dto.RABBITMQ_URL, prefix: dto.RABBITMQ_PREFIX, prefetch: dto.RABBITMQ_PREFETCH, publishConfirmTimeoutMs: dto.PUBLISH_CONFIRM_TIMEOUT_MS },
    gateway: { port: dto.GATEWAY_PORT, adminToken: dto.ADMIN_TOKEN },
    inventory: { port: dto.INVENTORY_PORT, batchSize: dto.BOOKING_BATCH_SIZE },
    logLevel: dto.LOG_LEVEL,
  };
}

/** For entry points: the configuration, or a message naming every bad variable and exit code 1. */
export function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

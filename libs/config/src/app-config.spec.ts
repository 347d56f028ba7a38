import { ADMIN_TOKEN_PLACEHOLDER, AppConfig, CONFIG_ENV_NAMES, ConfigError, loadConfig, type SeatGridApp } from './app-config.js';

/** The ConfigError that loading `env` throws (fails the test when it loads). */
function refusal(env: NodeJS.ProcessEnv, app?: SeatGridApp): ConfigError {
  try {
    loadConfig(env, app);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`the configuration loaded: ${JSON.stringify(env)}`);
}

const TOKEN = 'a-long-enough-secret';
const JWT = { AUTH_MODE: 'jwt', AUTH_JWKS_URL: 'https://id.example.com/.well-known/jwks.json', AUTH_ISSUER: 'https://id.example.com/', AUTH_AUDIENCE: 'seatgrid' };

describe('loadConfig', () => {
  it('should default to the local services', () => {
    const config: AppConfig = loadConfig({});
    expect(config.database.url).toBe('postgres://postgres@127.0.0.1:5432/seatgrid');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.rabbitmq.url).toBe('amqp://guest:guest@127.0.0.1:5672');
    expect(config.gateway.port).toBe(3000);
    expect(config.inventory.port).toBe(3001);
    expect(config.gateway.adminToken).toBeUndefined();
    expect(config.nodeEnv).toBe('development');
    expect(config.auth).toEqual({ mode: 'header' });
  });

  it('should parse numbers and keep an admin token', () => {
    const config = loadConfig({ GATEWAY_PORT: '8080', ADMIN_TOKEN: 'a-long-enough-secret' });
    expect(config.gateway).toEqual({ port: 8080, adminToken: 'a-long-enough-secret', maxTicketsPerBuyer: 10, rateLimits: { perBuyer: 10, perIp: 0, windowSeconds: 10 } });
  });

  it('should name every bad variable at once', () => {
    const load = () => loadConfig({ GATEWAY_PORT: 'eighty', DATABASE_URL: 'mysql://x', RABBITMQ_URL: 'nope', LOG_LEVEL: 'loud' });
    expect(load).toThrow(ConfigError);
    try {
      load();
    } catch (error) {
      const message = (error as ConfigError).message;
      for (const name of ['GATEWAY_PORT', 'DATABASE_URL', 'RABBITMQ_URL', 'LOG_LEVEL']) expect(message).toContain(name);
      expect((error as ConfigError).problems).toHaveLength(4);
    }
  });

  it('should list the variable names it reads', () => {
    expect(CONFIG_ENV_NAMES).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'RABBITMQ_URL', 'GATEWAY_PORT', 'INVENTORY_PORT', 'ADMIN_TOKEN', 'NODE_ENV', 'AUTH_MODE', 'AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE']),
    );
  });

  it('should accept only the known NODE_ENV values', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).nodeEnv).toBe('test');
    expect(refusal({ NODE_ENV: 'staging' }).variables).toEqual(['NODE_ENV']);
  });
});

describe('loadConfig in production', () => {
  const production = { NODE_ENV: 'production', AUTH_MODE: 'header' };

  it('should refuse to start a gateway without ADMIN_TOKEN', () => {
    const error = refusal(production, 'gateway');
    expect(error.variables).toEqual(['ADMIN_TOKEN']);
    expect(error.message).toContain('ADMIN_TOKEN');
  });

  it('should refuse the documented placeholder as the admin token', () => {
    expect(refusal({ ...production, ADMIN_TOKEN: ADMIN_TOKEN_PLACEHOLDER }, 'gateway').variables).toEqual(['ADMIN_TOKEN']);
  });

  it('should refuse to start a gateway whose AUTH_MODE is not set explicitly', () => {
    expect(refusal({ NODE_ENV: 'production', ADMIN_TOKEN: TOKEN }, 'gateway').variables).toEqual(['AUTH_MODE']);
    expect(loadConfig({ ...production, ADMIN_TOKEN: TOKEN }, 'gateway').auth.mode).toBe('header');
  });

  it.each<SeatGridApp>(['inventory', 'migrate'])('should let %s start without the gateway-only settings', (app) => {
    expect(loadConfig({ NODE_ENV: 'production' }, app).nodeEnv).toBe('production');
  });

  it('should leave the gateway open outside production, as before', () => {
    expect(loadConfig({ NODE_ENV: 'development' }, 'gateway').gateway.adminToken).toBeUndefined();
    expect(loadConfig({ NODE_ENV: 'development', ADMIN_TOKEN: ADMIN_TOKEN_PLACEHOLDER }, 'gateway').gateway.adminToken).toBe(ADMIN_TOKEN_PLACEHOLDER);
  });
});

describe('loadConfig with AUTH_MODE=jwt', () => {
  it('should expose the OIDC provider settings', () => {
    expect(loadConfig(JWT).auth).toEqual({ mode: 'jwt', jwksUrl: JWT.AUTH_JWKS_URL, issuer: JWT.AUTH_ISSUER, audience: JWT.AUTH_AUDIENCE });
  });

  it('should require the JWKS URL, the issuer and the audience', () => {
    expect(refusal({ AUTH_MODE: 'jwt' }).variables.sort()).toEqual(['AUTH_AUDIENCE', 'AUTH_ISSUER', 'AUTH_JWKS_URL']);
  });

  it('should take the keys only from an http(s) URL', () => {
    expect(refusal({ ...JWT, AUTH_JWKS_URL: 'ftp://id.example.com/keys' }).variables).toEqual(['AUTH_JWKS_URL']);
    expect(refusal({ AUTH_MODE: 'oauth' }).variables).toEqual(['AUTH_MODE']);
  });
});

describe('loadConfig of the read replica and the insights', () => {
  it('should go without a replica or ClickHouse by default', () => {
    const config = loadConfig({});
    expect(config.database).toMatchObject({ replicaUrl: undefined, replicaMaxLagSeconds: 2 });
    expect(config.insights).toEqual({ clickhouseUrl: undefined, flushMs: 5000 });
  });

  it('should take a replica, its lag bound, a ClickHouse URL and the flush interval', () => {
    const config = loadConfig({
      DATABASE_REPLICA_URL: 'postgres://seatgrid@replica:5432/seatgrid',
      DATABASE_REPLICA_MAX_LAG_SECONDS: '0.5',
      CLICKHOUSE_URL: 'http://clickhouse:8123/seatgrid',
      INSIGHTS_FLUSH_MS: '1000',
    });
    expect(config.database).toMatchObject({ replicaUrl: 'postgres://seatgrid@replica:5432/seatgrid', replicaMaxLagSeconds: 0.5 });
    expect(config.insights).toEqual({ clickhouseUrl: 'http://clickhouse:8123/seatgrid', flushMs: 1000 });
  });

  it('should refuse a replica that is not PostgreSQL, a lag bound of nothing and a flush too eager', () => {
    const error = refusal({ DATABASE_REPLICA_URL: 'mysql://replica/seatgrid', DATABASE_REPLICA_MAX_LAG_SECONDS: '0', CLICKHOUSE_URL: 'tcp://clickhouse:9000', INSIGHTS_FLUSH_MS: '10' });
    expect(error.variables.sort()).toEqual(['CLICKHOUSE_URL', 'DATABASE_REPLICA_MAX_LAG_SECONDS', 'DATABASE_REPLICA_URL', 'INSIGHTS_FLUSH_MS']);
  });
});

describe('configuration errors', () => {
  const SECRET = 'hunter2-hunter2-x';

  it('should name a bad ADMIN_TOKEN without showing it', () => {
    const error = refusal({ ADMIN_TOKEN: 'short-secret' });
    expect(error.variables).toEqual(['ADMIN_TOKEN']);
    expect(error.message).not.toContain('short-secret');
  });

  it.each([
    ['DATABASE_URL', `mysql://seatgrid:${SECRET}@db:3306/seatgrid`],
    ['DATABASE_URL', `postgres://seatgrid:${SECRET}@db:5432/seat grid`],
    ['DATABASE_URL', `postgres//db:5432/seatgrid?password=${SECRET}`],
    ['REDIS_URL', `redis://:${SECRET}@cache:port`],
    ['REDIS_URL', `redis://default:p@ss/${SECRET}@cache:6379/x y`],
    ['RABBITMQ_URL', `amqp//seatgrid:${SECRET}@broker:5672`],
    ['DATABASE_REPLICA_URL', `mysql://seatgrid:${SECRET}@replica:3306/seatgrid`],
    ['CLICKHOUSE_URL', `tcp://seatgrid:${SECRET}@clickhouse:9000`],
  ])('should name a bad %s without its password', (variable, value) => {
    const error = refusal({ [variable]: value });
    expect(error.variables).toEqual([variable]);
    expect(error.message).toContain('***');
    expect(error.message).not.toContain(SECRET);
  });

  it('should still show the parts of a bad URL that locate the mistake', () => {
    expect(refusal({ RABBITMQ_URL: `amqp//seatgrid:${SECRET}@broker:5672` }).message).toContain('amqp//***@broker:5672');
  });
});

describe('loadConfig for the waiting room', () => {
  const QUEUE_SECRET = 'a-queue-token-secret-of-32-characters!';

  it('should let admission tokens live 5 minutes unless told otherwise', () => {
    expect(loadConfig({}).waitingRoom.tokenTtlSeconds).toBe(300);
    expect(loadConfig({ QUEUE_TOKEN_TTL_SECONDS: '60' }).waitingRoom.tokenTtlSeconds).toBe(60);
    expect(refusal({ QUEUE_TOKEN_TTL_SECONDS: '0' }).variables).toEqual(['QUEUE_TOKEN_TTL_SECONDS']);
  });

  it('should sign admission tokens with QUEUE_TOKEN_SECRET when set', () => {
    expect(loadConfig({ QUEUE_TOKEN_SECRET: QUEUE_SECRET, ADMIN_TOKEN: TOKEN }).waitingRoom.tokenSecret).toBe(QUEUE_SECRET);
  });

  it('should otherwise derive the key from ADMIN_TOKEN: the same on every gateway, never the admin token itself', () => {
    const secret = loadConfig({ ADMIN_TOKEN: TOKEN }).waitingRoom.tokenSecret;
    expect(secret).toBe(loadConfig({ ADMIN_TOKEN: TOKEN, GATEWAY_PORT: '8080' }).waitingRoom.tokenSecret);
    expect(secret).not.toContain(TOKEN);
    expect(secret).not.toBe(loadConfig({ ADMIN_TOKEN: 'another-long-enough-secret' }).waitingRoom.tokenSecret);
    expect(secret).not.toBe(loadConfig({}).waitingRoom.tokenSecret);
  });

  it('should name a short QUEUE_TOKEN_SECRET without showing it', () => {
    const error = refusal({ QUEUE_TOKEN_SECRET: 'short-queue-secret' });
    expect(error.variables).toEqual(['QUEUE_TOKEN_SECRET']);
    expect(error.message).not.toContain('short-queue-secret');
  });
});

import { AppConfig, CONFIG_ENV_NAMES, ConfigError, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('should default to the local services', () => {
    const config: AppConfig = loadConfig({});
    expect(config.database.url).toBe('postgres://postgres@127.0.0.1:5432/seatgrid');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.rabbitmq.url).toBe('amqp://guest:guest@127.0.0.1:5672');
    expect(config.gateway.port).toBe(3000);
    expect(config.inventory.port).toBe(3001);
    expect(config.gateway.adminToken).toBeUndefined();
  });

  it('should parse numbers and keep an admin token', () => {
    const config = loadConfig({ GATEWAY_PORT: '8080', ADMIN_TOKEN: 'a-long-enough-secret' });
    expect(config.gateway).toEqual({ port: 8080, adminToken: 'a-long-enough-secret' });
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
    expect(CONFIG_ENV_NAMES).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'RABBITMQ_URL', 'GATEWAY_PORT', 'INVENTORY_PORT', 'ADMIN_TOKEN']));
  });
});

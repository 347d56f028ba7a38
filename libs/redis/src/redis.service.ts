import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '@app/config';
import { redisKeys, type RedisKeys } from './redis.keys.js';

/** The app's Redis client plus its key names. Commands fail fast while Redis is down (no offline queue), so callers can degrade. */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  readonly client: Redis;
  readonly keys: RedisKeys;

  constructor(@Inject(AppConfig) config: AppConfig) {
    this.client = new Redis(config.redis.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 2000),
    });
    this.client.on('error', () => undefined); // reconnects by itself; readiness reports the outage
    this.keys = redisKeys(config.redis.prefix);
  }

  get connected(): boolean {
    return this.client.status === 'ready';
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

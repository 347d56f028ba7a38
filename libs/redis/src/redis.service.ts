import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import { AppConfig } from '@app/config';

/**
 * The app's Redis client and its key prefix. Commands fail fast while Redis is down (no offline queue), so callers
 * can degrade; commands issued in one tick travel in one write (auto-pipelining).
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  readonly client: Redis;
  private readonly subscribers: Redis[] = [];

  constructor(@Inject(AppConfig) private readonly config: AppConfig) {
    this.client = new Redis(config.redis.url, {
      enableOfflineQueue: false,
      enableAutoPipelining: true,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 2000),
    });
    this.client.on('error', () => undefined); // reconnects by itself; readiness reports the outage
  }

  /** `<prefix>:<parts…>`: every key and channel of SeatGrid lives under the configured prefix. */
  key(...parts: (string | number)[]): string {
    return `${this.config.redis.prefix}:${parts.join(':')}`;
  }

  get connected(): boolean {
    return this.client.status === 'ready';
  }

  /** A connection for SUBSCRIBE (which blocks a connection); it queues commands while reconnecting. */
  subscriber(options: RedisOptions = {}): Redis {
    const subscriber = this.client.duplicate({ enableOfflineQueue: true, enableAutoPipelining: false, maxRetriesPerRequest: null, ...options });
    subscriber.on('error', () => undefined);
    this.subscribers.push(subscriber);
    return subscriber;
  }

  async onApplicationShutdown(): Promise<void> {
    for (const subscriber of this.subscribers) subscriber.disconnect();
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

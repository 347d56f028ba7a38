import { Inject, Injectable, Logger } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import { AppConfig } from '@app/config';
import { RedisService } from '@app/redis';
import { type Refusal, refusal } from '../availability/refusal.js';

const THROTTLER = 'bookings';

/**
 * Rate limits of POST /bookings, shared by all gateways through Redis (the @nest-lab Redis throttler storage): per
 * buyer, and per client address when configured. While Redis cannot answer the limits fail open — bookings keep
 * flowing, and readiness shows Redis down.
 */
@Injectable()
export class BookingRateLimiter {
  private readonly logger = new Logger(BookingRateLimiter.name);
  private readonly windowMs: number;

  constructor(private readonly config: AppConfig, private readonly redis: RedisService, @Inject(ThrottlerStorage) private readonly storage: ThrottlerStorage) {
    this.windowMs = config.gateway.rateLimits.windowSeconds * 1000;
  }

  /** A 429 refusal when this buyer (or address) has used up its window, else undefined. */
  async refusalFor(buyer: string, address: string): Promise<Refusal | undefined> {
    const { perBuyer, perIp } = this.config.gateway.rateLimits;
    const [byBuyer, byAddress] = await Promise.all([this.wait(`buyer:${buyer}`, perBuyer), this.wait(`ip:${address}`, perIp)]);
    const seconds = Math.max(byBuyer, byAddress);
    if (seconds === 0) return undefined;
    const limited = byBuyer > 0 ? `${perBuyer} bookings per ${this.windowMs / 1000} s per buyer` : `${perIp} bookings per ${this.windowMs / 1000} s per client address`;
    return refusal('rate_limited', `too many booking requests: at most ${limited}`, seconds, 429);
  }

  /** Seconds until this key may book again (0 now, or when the limit is off or Redis cannot tell). */
  private async wait(key: string, limit: number): Promise<number> {
    if (limit === 0) return 0;
    try {
      const { isBlocked, timeToBlockExpire } = await this.storage.increment(this.redis.key('rate', key), this.windowMs, limit, this.windowMs, THROTTLER);
      return isBlocked ? Math.max(1, Math.ceil(timeToBlockExpire / 1000)) : 0;
    } catch (error) {
      this.logger.debug(`rate limit not checked, failing open: ${(error as Error).message}`);
      return 0;
    }
  }
}

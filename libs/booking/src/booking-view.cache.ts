import { Injectable, Logger } from '@nestjs/common';
import type { BookingView } from '@app/contracts';
import { RedisService } from '@app/redis';

/** Booking views live long enough for any client to poll to the end; then PostgreSQL answers. */
export const BOOKING_VIEW_TTL_SECONDS = 3600;

/**
 * Booking status views in Redis, so that thousands of polling buyers cost Redis reads, not PostgreSQL queries.
 * Best effort: PostgreSQL stays the truth and is asked whenever Redis has nothing (or is down).
 */
@Injectable()
export class BookingViewCache {
  private readonly logger = new Logger(BookingViewCache.name);

  constructor(private readonly redis: RedisService) {}

  /** Records an accepted booking; NX so that it never overwrites a decision that was faster than this write. */
  storePending(view: BookingView): void {
    this.redis.client
      .set(this.key(view.bookingId), JSON.stringify(view), 'EX', BOOKING_VIEW_TTL_SECONDS, 'NX')
      .catch((error: Error) => this.logger.warn(`pending view of ${view.bookingId} not cached: ${error.message}`));
  }

  async storeDecided(views: BookingView[]): Promise<void> {
    if (views.length === 0) return;
    const pipeline = this.redis.client.pipeline();
    for (const view of views) pipeline.set(this.key(view.bookingId), JSON.stringify(view), 'EX', BOOKING_VIEW_TTL_SECONDS);
    await pipeline.exec().catch((error: Error) => this.logger.warn(`${views.length} decided views not cached: ${error.message}`));
  }

  async get(bookingId: string): Promise<BookingView | undefined> {
    const raw = await this.redis.client.get(this.key(bookingId)).catch(() => null);
    return raw ? (JSON.parse(raw) as BookingView) : undefined;
  }

  private key(bookingId: string): string {
    return this.redis.key('booking', bookingId);
  }
}

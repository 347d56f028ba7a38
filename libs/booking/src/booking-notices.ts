import { Injectable, Logger } from '@nestjs/common';
import { BOOKING_STATUSES, type BookingStatus } from '@app/contracts';
import { RedisService } from '@app/redis';

/** A booking that changed status in a commit, as gateways hear of it. */
export interface BookingChange {
  bookingId: string;
  eventId: number;
  userId: string;
  status: BookingStatus;
  /** Seats the booking asked for or holds. */
  seatCount: number;
}

/**
 * Pub/sub hints from the inventory to the gateways: after each commit, the bookings whose status it changed. Gateways
 * use them to forget accepted-but-undecided demand at once; a lost notice only delays that (they also expire it).
 */
@Injectable()
export class BookingNotices {
  private readonly logger = new Logger(BookingNotices.name);

  constructor(private readonly redis: RedisService) {}

  get channel(): string {
    return this.redis.key('bookings', 'changed');
  }

  publish(changes: BookingChange[]): void {
    if (changes.length === 0) return;
    const compact = changes.map((c) => [c.bookingId, c.eventId, c.userId, c.status, c.seatCount]);
    this.redis.client.publish(this.channel, JSON.stringify(compact)).catch((error: Error) => this.logger.debug(`booking notice not sent: ${error.message}`));
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads a notice defensively: anyone who can publish on the channel can send anything. Invalid entries are dropped. */
export function parseBookingNotice(raw: string): BookingChange[] | undefined {
  let entries: unknown;
  try {
    entries = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!Array.isArray(entries)) return undefined;
  const changes: BookingChange[] = [];
  for (const entry of entries) {
    if (!Array.isArray(entry) || entry.length !== 5) continue;
    const [bookingId, eventId, userId, status, seatCount] = entry as unknown[];
    if (typeof bookingId !== 'string' || !UUID.test(bookingId) || !Number.isSafeInteger(eventId) || typeof userId !== 'string' || typeof status !== 'string') continue;
    if (!BOOKING_STATUSES.includes(status as BookingStatus) || !Number.isInteger(seatCount)) continue;
    changes.push({ bookingId, eventId: eventId as number, userId, status: status as BookingStatus, seatCount: seatCount as number });
  }
  return changes;
}

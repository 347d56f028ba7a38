import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { PeriodicTask } from '@app/common';

/** The booking a key stands for, and whether it was asked with the same request. */
export interface KeyClaim {
  bookingId: string;
  requestHash: string;
}

/** Keys are kept at least this long (the promise to clients is 24 hours). */
const KEEP_KEYS_MS = 48 * 3600_000;
const PURGE_EVERY_MS = 3600_000;

/** Idempotency-Key records in PostgreSQL: durable, and the primary key decides which booking id a key stands for. */
@Injectable()
export class IdempotencyRepository implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly purge = new PeriodicTask(IdempotencyRepository.name, PURGE_EVERY_MS, () => this.purgeExpired());

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    this.purge.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.purge.stop();
  }

  async find(userId: string, key: string): Promise<KeyClaim | undefined> {
    const [row]: { booking_id: string; request_hash: string }[] = await this.dataSource.query(
      'SELECT booking_id, request_hash FROM idempotency_keys WHERE user_id = $1 AND key = $2',
      [userId, key],
    );
    return row && { bookingId: row.booking_id, requestHash: row.request_hash };
  }

  /**
   * Records the booking id under (user, key) before anything is published, or answers the one recorded first.
   * Safe under concurrency: of requests racing with one key, exactly one INSERT wins; a loser's INSERT waits for the
   * winner's commit, and its SELECT (a new statement, a new snapshot) then reads the winner's row.
   */
  async claim(userId: string, key: string, requestHash: string, bookingId: string): Promise<KeyClaim> {
    const inserted: unknown[] = await this.dataSource.query(
      'INSERT INTO idempotency_keys (user_id, key, request_hash, booking_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1',
      [userId, key, requestHash, bookingId],
    );
    if (inserted.length > 0) return { bookingId, requestHash };
    // Purged between the two statements (older than 48 hours): the key is free again.
    return (await this.find(userId, key)) ?? this.claim(userId, key, requestHash, bookingId);
  }

  private async purgeExpired(): Promise<void> {
    await this.dataSource.query('DELETE FROM idempotency_keys WHERE created_at < $1', [new Date(Date.now() - KEEP_KEYS_MS)]);
  }
}

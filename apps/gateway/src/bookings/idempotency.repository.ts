import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export type KeyClaim = { owner: true } | { owner: false; bookingId: string; requestHash: string; accepted: boolean };

/** Keys are kept at least this long (the promise to clients is 24 hours). */
const KEEP_KEYS_MS = 48 * 3600_000;
const PURGE_EVERY_MS = 3600_000;

/** Idempotency-Key records in PostgreSQL: durable, and the primary key decides which of two racing requests owns a key. */
@Injectable()
export class IdempotencyRepository implements OnApplicationBootstrap, OnApplicationShutdown {
  private purgeTimer?: NodeJS.Timeout;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    this.purgeTimer = setInterval(() => void this.purgeExpired().catch(() => undefined), PURGE_EVERY_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.purgeTimer);
  }

  /** Safe under concurrency: of two requests racing with one key, exactly one INSERT wins; the other reads the winner's row. */
  async claim(userId: string, key: string, requestHash: string, bookingId: string): Promise<KeyClaim> {
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO idempotency_keys (user_id, key, request_hash, booking_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1`,
      [userId, key, requestHash, bookingId],
    );
    if (inserted.length > 0) return { owner: true };
    const [row]: { booking_id: string; request_hash: string; accepted: boolean }[] = await this.dataSource.query(
      'SELECT booking_id, request_hash, accepted FROM idempotency_keys WHERE user_id = $1 AND key = $2',
      [userId, key],
    );
    // Released by its owner between our INSERT and SELECT: report it as still in flight, the caller retries.
    if (!row) return { owner: false, bookingId: '', requestHash: requestHash, accepted: false };
    return { owner: false, bookingId: row.booking_id, requestHash: row.request_hash, accepted: row.accepted };
  }

  async markAccepted(userId: string, key: string): Promise<void> {
    await this.dataSource.query('UPDATE idempotency_keys SET accepted = true WHERE user_id = $1 AND key = $2', [userId, key]);
  }

  /** The broker refused the message: nothing was accepted, so the key is free for the client's retry. */
  async release(userId: string, key: string): Promise<void> {
    await this.dataSource.query('DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND NOT accepted', [userId, key]);
  }

  private async purgeExpired(): Promise<void> {
    await this.dataSource.query('DELETE FROM idempotency_keys WHERE created_at < $1', [new Date(Date.now() - KEEP_KEYS_MS)]);
  }
}

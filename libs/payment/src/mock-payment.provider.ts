import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'pg';
import type { ChargeOutcome, PaymentProvider, PaymentStatus } from './payment.provider.js';

export interface MockPaymentOptions {
  databaseUrl: string;
  latencyMs: number;
  failureRate: number;
  hangRate: number;
  /** With a seed, whether a key is declined or hangs is a pure function of (seed, key): reproducible tests. */
  seed?: string;
}

/** A call that "hangs" fails after this long without doing anything, so that abandoned calls do not pile up. */
const HANG_MS = 120_000;

/**
 * A stand-in card processor with latency, declines and hangs. Its ledger lives in PostgreSQL (table `payments`),
 * so it survives restarts and tests can audit it; the primary key on the idempotency key makes charging twice
 * impossible.
 */
export class MockPaymentProvider implements PaymentProvider {
  private readonly pool: Pool;

  constructor(private readonly options: MockPaymentOptions) {
    this.pool = new Pool({ connectionString: options.databaseUrl, max: 4 });
  }

  async charge(idempotencyKey: string, amountCents: number): Promise<ChargeOutcome> {
    await this.respondLike(idempotencyKey, 'charge');
    const outcome: ChargeOutcome = this.chance(idempotencyKey, 'decline') < this.options.failureRate ? 'DECLINED' : 'CHARGED';
    // The first call with a key decides; a repeat returns the recorded outcome.
    const { rows } = await this.pool.query<{ status: ChargeOutcome }>(
      `INSERT INTO payments (idempotency_key, amount_cents, status) VALUES ($1, $2, $3)
       ON CONFLICT (idempotency_key) DO UPDATE SET attempts = payments.attempts + 1
       RETURNING status`,
      [idempotencyKey, amountCents, outcome],
    );
    return rows[0].status === 'DECLINED' ? 'DECLINED' : 'CHARGED';
  }

  async refund(idempotencyKey: string): Promise<PaymentStatus> {
    await this.respondLike(idempotencyKey, 'refund');
    const { rows } = await this.pool.query<{ status: PaymentStatus }>(
      `UPDATE payments SET status = CASE WHEN status = 'CHARGED' THEN 'REFUNDED' ELSE status END, updated_at = now()
       WHERE idempotency_key = $1 RETURNING status`,
      [idempotencyKey],
    );
    return rows[0]?.status ?? 'NONE';
  }

  async getStatus(idempotencyKey: string): Promise<PaymentStatus> {
    await this.respondLike(idempotencyKey, 'status');
    const { rows } = await this.pool.query<{ status: PaymentStatus }>('SELECT status FROM payments WHERE idempotency_key = $1', [idempotencyKey]);
    return rows[0]?.status ?? 'NONE';
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** Waits the configured latency ±50%; charges may hang instead (refunds and status checks always answer). */
  private async respondLike(key: string, call: 'charge' | 'refund' | 'status'): Promise<void> {
    if (call === 'charge' && this.chance(key, 'hang') < this.options.hangRate) {
      await sleep(HANG_MS, undefined, { ref: false });
      throw new Error('payment provider connection reset');
    }
    const jitter = 0.5 + Math.random();
    await sleep(Math.round(this.options.latencyMs * jitter));
  }

  /** A number in [0, 1): from (seed, key, purpose) when seeded, random otherwise. */
  private chance(key: string, purpose: string): number {
    if (this.options.seed === undefined) return Math.random();
    return createHash('sha256').update(`${this.options.seed}:${key}:${purpose}`).digest().readUInt32BE(0) / 2 ** 32;
  }
}

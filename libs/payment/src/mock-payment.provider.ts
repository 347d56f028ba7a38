import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { BatchWindow } from '@app/common';
import type { ChargeOutcome, PaymentProvider, PaymentStatus } from './payment.provider.js';

export interface MockPaymentOptions {
  latencyMs: number;
  failureRate: number;
  hangRate: number;
  /** With a seed, whether a key is declined or hangs is a pure function of (seed, key): reproducible tests. */
  seed?: string;
}

/** A call that "hangs" fails after this long without doing anything, so that abandoned calls do not pile up. */
const HANG_MS = 120_000;
/** Charges answered within this window share one ledger write (a processor batches its ledger the same way). */
const LEDGER_WINDOW_MS = 2;
const LEDGER_BATCH = 500;

type LedgerStatus = 'CHARGED' | 'DECLINED' | 'REFUNDED' | 'VOIDED';
/** What a charge answers for the row its key already has: money taken once stays "charged", a voided key never is. */
const OUTCOME_OF: Record<LedgerStatus, ChargeOutcome> = { CHARGED: 'CHARGED', REFUNDED: 'CHARGED', DECLINED: 'DECLINED', VOIDED: 'DECLINED' };

interface Charge {
  key: string;
  amountCents: number;
  outcome: ChargeOutcome;
  resolve: (outcome: ChargeOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * A stand-in card processor with latency, declines and hangs. Its ledger lives in PostgreSQL (table `payments`,
 * through the app's TypeORM DataSource), so it survives restarts and tests can audit it; the primary key on the
 * idempotency key makes charging twice impossible.
 */
export class MockPaymentProvider implements PaymentProvider {
  private readonly ledger = new BatchWindow<Charge>(LEDGER_BATCH, (_, charges) => void this.record(charges), LEDGER_WINDOW_MS);

  constructor(private readonly dataSource: DataSource, private readonly options: MockPaymentOptions) {}

  async charge(idempotencyKey: string, amountCents: number): Promise<ChargeOutcome> {
    await this.respondLike(idempotencyKey, 'charge');
    const outcome: ChargeOutcome = this.chance(idempotencyKey, 'decline') < this.options.failureRate ? 'DECLINED' : 'CHARGED';
    return new Promise((resolve, reject) => this.ledger.add('charges', { key: idempotencyKey, amountCents, outcome, resolve, reject }));
  }

  /**
   * Refunds a charge, or voids a key that was never charged: the VOIDED row makes a charge with that key that lands
   * later (a retry still in flight when the saga gave up) come back DECLINED. The upsert is one statement on the
   * primary key, so a refund and a charge racing for the same key serialise on its row.
   */
  async refund(idempotencyKey: string): Promise<PaymentStatus> {
    await this.respondLike(idempotencyKey, 'refund');
    const [row]: { status: LedgerStatus }[] = await this.dataSource.query(
      `INSERT INTO payments (idempotency_key, amount_cents, status, attempts) VALUES ($1, 0, 'VOIDED', 0)
       ON CONFLICT (idempotency_key) DO UPDATE
         SET status = CASE WHEN payments.status = 'CHARGED' THEN 'REFUNDED' ELSE payments.status END, updated_at = now()
       RETURNING status`,
      [idempotencyKey],
    );
    return row.status === 'VOIDED' ? 'NONE' : row.status;
  }

  /**
   * One statement for a window of charges. The first call with a key decides; a repeat returns the recorded outcome
   * and counts the attempt. Keys repeated within the window are folded first (ON CONFLICT may touch a row only once).
   */
  private async record(charges: Charge[]): Promise<void> {
    const byKey = new Map<string, { charge: Charge; attempts: number }>();
    for (const charge of charges) {
      const seen = byKey.get(charge.key);
      if (seen) seen.attempts++;
      else byKey.set(charge.key, { charge, attempts: 1 });
    }
    const folded = [...byKey.values()];
    try {
      const rows: { key: string; status: LedgerStatus }[] = await this.dataSource.query(
        `INSERT INTO payments (idempotency_key, amount_cents, status, attempts)
         SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::int[])
         ON CONFLICT (idempotency_key) DO UPDATE SET attempts = payments.attempts + EXCLUDED.attempts
         RETURNING idempotency_key AS key, status`,
        [folded.map((f) => f.charge.key), folded.map((f) => f.charge.amountCents), folded.map((f) => f.charge.outcome), folded.map((f) => f.attempts)],
      );
      const recorded = new Map(rows.map((row) => [row.key, OUTCOME_OF[row.status]]));
      for (const charge of charges) charge.resolve(recorded.get(charge.key)!);
    } catch (error) {
      for (const charge of charges) charge.reject(error);
    }
  }

  /** Waits the configured latency ±50%; charges may hang instead (refunds always answer). */
  private async respondLike(key: string, call: 'charge' | 'refund'): Promise<void> {
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

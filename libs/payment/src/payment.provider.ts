/** What a payment provider answers for a charge; keyed by the caller's idempotency key. */
export type ChargeOutcome = 'CHARGED' | 'DECLINED';
export type PaymentStatus = ChargeOutcome | 'REFUNDED' | 'NONE';

/**
 * A card processor as the booking saga sees it. Every call is keyed by an idempotency key: repeating a call with
 * the same key never charges or refunds twice, it answers what the first call did.
 */
export abstract class PaymentProvider {
  abstract charge(idempotencyKey: string, amountCents: number): Promise<ChargeOutcome>;
  /** Gives the money of a charge back; answers NONE when nothing was charged under the key. */
  abstract refund(idempotencyKey: string): Promise<PaymentStatus>;
}

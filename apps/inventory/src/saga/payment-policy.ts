/** Delay before retry `attempt` (1-based) of a timed-out payment call: exponential, capped, with ±20% jitter. */
export function paymentBackoffMs(attempt: number, random = Math.random): number {
  return Math.round(Math.min(5000, 200 * 2 ** (attempt - 1)) * (0.8 + random() * 0.4));
}

/**
 * How long one process owns a booking's payment step: every attempt timing out plus the longest backoffs, with room
 * to record the result. After that another replica may take the booking over (the idempotency key keeps it safe).
 */
export function paymentLeaseSeconds(timeoutMs: number, maxAttempts: number): number {
  let total = timeoutMs * maxAttempts;
  for (let attempt = 1; attempt < maxAttempts; attempt++) total += paymentBackoffMs(attempt, () => 1);
  return Math.ceil(total / 1000) + 5;
}

export class PaymentTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`payment provider did not answer within ${timeoutMs} ms`);
    this.name = 'PaymentTimeoutError';
  }
}

/** Rejects with {@link PaymentTimeoutError} when `call` takes longer than `timeoutMs`. */
export function withTimeout<T>(call: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new PaymentTimeoutError(timeoutMs)), timeoutMs)));
  return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
}

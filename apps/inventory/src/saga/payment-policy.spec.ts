import { paymentBackoffMs, paymentLeaseSeconds, PaymentTimeoutError, withTimeout } from './payment-policy.js';

describe('payment policy', () => {
  it('should back off exponentially with jitter, capped', () => {
    expect(paymentBackoffMs(1, () => 0.5)).toBe(200);
    expect(paymentBackoffMs(3, () => 0.5)).toBe(800);
    expect(paymentBackoffMs(3, () => 0)).toBe(640);
    expect(paymentBackoffMs(3, () => 1)).toBe(960);
    expect(paymentBackoffMs(20, () => 0.5)).toBe(5000);
  });

  it('should lease a payment for longer than all its attempts can take', () => {
    expect(paymentLeaseSeconds(2000, 4)).toBe(Math.ceil((8000 + 240 + 480 + 960) / 1000) + 5);
  });

  it('should time out a call that does not answer', async () => {
    await expect(withTimeout(new Promise(() => undefined), 20)).rejects.toBeInstanceOf(PaymentTimeoutError);
    await expect(withTimeout(Promise.resolve('ok'), 20)).resolves.toBe('ok');
  });
});

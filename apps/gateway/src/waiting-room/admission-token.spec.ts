import { AdmissionTokens } from './admission-token.js';

describe(AdmissionTokens.name, () => {
  const tokens = new AdmissionTokens('a-secret-of-at-least-thirty-two-characters');
  const now = Date.now();
  const admission = { ticketId: '7-2f1c6b1e-7d0b-4c5e-9a57-0a4f3e2d1c0b', buyer: 'alice', eventId: 7, expiresAt: now + 60_000 };

  it('should prove the admission it was minted for', () => {
    expect(tokens.check(tokens.mint(admission), 'alice', 7, now)).toEqual(admission);
  });

  it('should be bound to its buyer and its event', () => {
    const token = tokens.mint(admission);
    expect(tokens.check(token, 'bob', 7, now)).toBe('not_yours');
    expect(tokens.check(token, 'alice', 8, now)).toBe('not_yours');
  });

  it('should expire', () => {
    expect(tokens.check(tokens.mint(admission), 'alice', 7, admission.expiresAt)).toBe('expired');
  });

  it('should refuse a missing, malformed, forged or tampered token', () => {
    const token = tokens.mint(admission);
    const [prefix, payload, signature] = token.split('.');
    const forged = new AdmissionTokens('another-secret-of-thirty-two-characters!').mint(admission);
    const longer = Buffer.from(JSON.stringify({ t: admission.ticketId, b: 'alice', e: 7, x: now + 3_600_000 })).toString('base64url');
    expect(tokens.check(undefined, 'alice', 7, now)).toBe('missing');
    expect(tokens.check('', 'alice', 7, now)).toBe('missing');
    for (const bad of ['nonsense', forged, `${prefix}.${longer}.${signature}`, `${prefix}.${payload}.${signature}x`, `${token}.x`, `v2.${payload}.${signature}`, token.repeat(10)]) {
      expect({ bad, check: tokens.check(bad, 'alice', 7, now) }).toEqual({ bad, check: 'invalid' });
    }
  });
});

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AdmissionRefusal } from '@app/observability';

/** What an admission token proves: this buyer, admitted from this ticket, may book this event until `expiresAt`. */
export interface Admission {
  ticketId: string;
  buyer: string;
  eventId: number;
  /** Epoch milliseconds. */
  expiresAt: number;
}

const PREFIX = 'v1';
/** Far longer than any token minted here (ids and the buyer are bounded): anything longer is not one. */
const MAX_TOKEN_LENGTH = 1024;

/**
 * Admission tokens: `v1.<payload>.<signature>`, the payload base64url JSON, the signature its HMAC-SHA256 under the
 * gateways' shared secret. Checking one costs no I/O; that it is used only once is the waiting room's business.
 */
export class AdmissionTokens {
  constructor(private readonly secret: string) {}

  mint({ ticketId, buyer, eventId, expiresAt }: Admission): string {
    const payload = Buffer.from(JSON.stringify({ t: ticketId, b: buyer, e: eventId, x: expiresAt })).toString('base64url');
    return `${PREFIX}.${payload}.${this.sign(payload)}`;
  }

  /** The admission a token proves for this buyer and event at `now`, or why it proves none. */
  check(token: string | undefined, buyer: string, eventId: number, now = Date.now()): Admission | AdmissionRefusal {
    if (token === undefined || token === '') return 'missing';
    const admission = token.length <= MAX_TOKEN_LENGTH ? this.verified(token) : undefined;
    if (!admission) return 'invalid';
    if (admission.buyer !== buyer || admission.eventId !== eventId) return 'not_yours';
    if (admission.expiresAt <= now) return 'expired';
    return admission;
  }

  private verified(token: string): Admission | undefined {
    const [prefix, payload, signature, ...rest] = token.split('.');
    if (prefix !== PREFIX || !payload || !signature || rest.length > 0) return undefined;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    return parsePayload(payload);
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}

/** A payload that carries our signature was written by us; its shape is checked all the same. */
function parsePayload(payload: string): Admission | undefined {
  try {
    const { t, b, e, x } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    if (typeof t !== 'string' || typeof b !== 'string' || !Number.isSafeInteger(e) || !Number.isSafeInteger(x)) return undefined;
    return { ticketId: t, buyer: b, eventId: e as number, expiresAt: x as number };
  } catch {
    return undefined;
  }
}

import type { Refusal } from '../availability/refusal.js';
import type { Admission } from './admission-token.js';
import type { ClaimOutcome } from './waiting-room.queue.js';

/** A booking request whose token proves an admission, and the mark of this attempt on the ticket. */
export interface AdmissionPass {
  admission: Admission;
  marker: string;
}

/** Where tickets are held for booking attempts (the waiting room's Redis scripts). */
export interface TicketHolds {
  claim(eventId: number, ticketId: string, marker: string, buyer: string): Promise<ClaimOutcome>;
  release(eventId: number, ticketId: string, marker: string): Promise<void>;
}

/** Another attempt holds the ticket, or a booking was accepted with it. */
export const TICKET_USED = Symbol('ticket used');

/**
 * Runs `accept` holding the pass's ticket, so that two attempts with one token cannot both be accepted: the ticket
 * stays used when `accept` answers a booking id, and is given back when it answers a refusal or fails. A retry
 * with the same Idempotency-Key (same marker) finds its own hold. `unavailable` is thrown when the holds cannot be
 * reached: nothing is accepted then.
 */
export async function withTicketHeld(
  holds: TicketHolds,
  { admission, marker }: AdmissionPass,
  accept: () => Promise<string | Refusal>,
  unavailable: () => Error,
): Promise<string | Refusal | typeof TICKET_USED> {
  const { eventId, ticketId, buyer } = admission;
  const claim = await holds.claim(eventId, ticketId, marker, buyer).catch(() => {
    throw unavailable();
  });
  if (claim === 'used') return TICKET_USED;
  let answer: string | Refusal | undefined;
  try {
    answer = await accept();
    return answer;
  } finally {
    // A retry's first attempt may have given the ticket back meanwhile: an accepted retry holds it again.
    if (typeof answer === 'string' && claim === 'retry') void holds.claim(eventId, ticketId, marker, buyer).catch(() => undefined);
    if (typeof answer !== 'string' && claim === 'claimed') void holds.release(eventId, ticketId, marker).catch(() => undefined);
  }
}

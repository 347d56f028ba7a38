import type { Refusal } from '../availability/refusal.js';
import type { ClaimOutcome } from './waiting-room.queue.js';
import { type AdmissionPass, TICKET_USED, type TicketHolds, withTicketHeld } from './ticket-hold.js';

/** Holds on tickets, as the waiting room's CLAIM and RELEASE scripts keep them. */
class Holds implements TicketHolds {
  readonly held = new Map<string, string>();
  down = false;

  async claim(_eventId: number, ticketId: string, marker: string): Promise<ClaimOutcome> {
    if (this.down) throw new Error('connection refused');
    const holder = this.held.get(ticketId);
    if (holder !== undefined) return holder === marker ? 'retry' : 'used';
    this.held.set(ticketId, marker);
    return 'claimed';
  }

  async release(_eventId: number, ticketId: string, marker: string): Promise<void> {
    if (this.held.get(ticketId) === marker) this.held.delete(ticketId);
  }
}

class Unavailable extends Error {}

describe(withTicketHeld.name, () => {
  const admission = { ticketId: '3-2f1c6b1e-7d0b-4c5e-9a57-0a4f3e2d1c0b', buyer: 'alice', eventId: 3, expiresAt: Date.now() + 60_000 };
  const refusal = { reason: 'seat_taken' } as Refusal;
  let holds: Holds;

  beforeEach(() => {
    holds = new Holds();
  });

  const attempt = (marker: string, accept: () => Promise<string | Refusal>) => withTicketHeld(holds, { admission, marker } as AdmissionPass, accept, () => new Unavailable());
  const settled = () => new Promise((resolve) => setImmediate(resolve));

  it('should keep the ticket used once a booking is accepted with it', async () => {
    expect(await attempt('once:1', async () => 'booking-1')).toBe('booking-1');
    await settled();
    let ran = false;
    expect(await attempt('once:2', async () => ((ran = true), 'booking-2'))).toBe(TICKET_USED);
    expect(ran).toBe(false);
  });

  it('should give the ticket back when the booking is refused or the broker fails', async () => {
    expect(await attempt('once:1', async () => refusal)).toBe(refusal);
    await settled();
    await expect(attempt('once:2', () => Promise.reject(new Error('broker down')))).rejects.toThrow('broker down');
    await settled();
    expect(holds.held.size).toBe(0);
    expect(await attempt('once:3', async () => 'booking-1')).toBe('booking-1');
  });

  it('should let a retry with the same Idempotency-Key through, and hold the ticket for it again', async () => {
    expect(await attempt('key:k-1', async () => 'booking-1')).toBe('booking-1');
    expect(await attempt('key:k-1', async () => 'booking-1')).toBe('booking-1');
    // The first attempt's hold was given back while the retry ran (it failed late): the accepted retry holds it again.
    holds.held.delete(admission.ticketId);
    expect(await attempt('key:k-1', async () => 'booking-1')).toBe('booking-1');
    await settled();
    expect(await attempt('key:k-2', async () => 'booking-2')).toBe(TICKET_USED);
  });

  it('should book nothing and say so while the holds cannot be reached', async () => {
    holds.down = true;
    let ran = false;
    await expect(attempt('once:1', async () => ((ran = true), 'booking-1'))).rejects.toBeInstanceOf(Unavailable);
    expect(ran).toBe(false);
  });
});

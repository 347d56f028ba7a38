import { type Transition, TRANSITIONS } from '@app/booking';
import type { Seat } from '@app/contracts';
import { BookingRepository } from '../../apps/inventory/src/allocation/booking.repository.js';
import type { BookingProjections } from '../../apps/inventory/src/projection/booking-projections.js';
import { WaitlistRepository } from '../../apps/inventory/src/waitlist/waitlist.repository.js';
import { bookingRequest } from '../support/messages.js';
import { idleMetric, standInForNestPrometheus } from '../support/prometheus-stand-in.js';
import { repositoryDatabase } from '../support/repository-database.js';

standInForNestPrometheus();
const { SagaRepository } = await import('../../apps/inventory/src/saga/saga.repository.js');
const { WaitlistHandover } = await import('../../apps/inventory/src/waitlist/waitlist-handover.js');

const BUYER = 'buyer-1';

describe('saga transitions (SagaRepository)', () => {
  const db = repositoryDatabase();
  let bookings: BookingRepository;
  let saga: InstanceType<typeof SagaRepository>;

  beforeAll(() => {
    bookings = new BookingRepository(db.dataSource);
    // The read side (Redis) is not what this spec is about: the projections after a commit do nothing here.
    const projections = { afterCommit: async () => undefined } as unknown as BookingProjections;
    const handover = new WaitlistHandover(new WaitlistRepository(), bookings, projections, db.env.config, idleMetric);
    saga = new SagaRepository(db.dataSource, handover);
  });

  /** A booking decided HELD as the inventory decides one: recorded PENDING, seats claimed, decision and outbox row written. */
  async function heldBooking(eventId: number, seats: Seat[], { holdTtlSeconds = 600 } = {}): Promise<string> {
    const request = bookingRequest(eventId, { userId: BUYER, seats });
    await bookings.transaction(async (manager) => {
      await bookings.insertPending(manager, [request], new Map());
      await bookings.claimSeats(manager, seats.map((seat) => ({ ...seat, eventId, bookingId: request.bookingId })));
      await bookings.recordDecisions(manager, [{ bookingId: request.bookingId, eventId, status: 'HELD', seats, reason: null }], { holdTtlSeconds, paymentLeaseSeconds: 60 });
    });
    return request.bookingId;
  }
  /** `transition` of these bookings of one event, in one transaction. */
  const transition = (change: Transition, eventId: number, ...ids: string[]) => saga.transitionAll([[change, ids.map((bookingId) => ({ bookingId, eventId }))]]);
  const bookingOf = async (id: string) =>
    (await db.sql<{ status: string; reason: string | null; refund_pending: boolean }>('SELECT status, reason, refund_pending FROM bookings WHERE id = $1', [id]))[0];
  const seatsOf = (eventId: number) => db.sql<{ status: string; booking_id: string | null }>('SELECT status, booking_id FROM seats WHERE event_id = $1 ORDER BY seat_row, seat_col', [eventId]);
  const outboxOf = (bookingId: string) =>
    db.sql<{ event_type: string; routing_key: string; status: string | null; seats: Seat[] | null }>(
      `SELECT event_type, routing_key, payload->>'status' AS status, payload->'seats' AS seats FROM outbox WHERE payload->>'bookingId' = $1 ORDER BY id`,
      [bookingId],
    );

  it('should confirm a HELD booking, sell its seats and announce it, and change nothing when repeated', async () => {
    const eventId = await db.createEvent(1, 2);
    const id = await heldBooking(eventId, [{ row: 1, col: 1 }]);

    expect(await transition(TRANSITIONS.confirm, eventId, id)).toEqual([expect.objectContaining({ bookingId: id, status: 'CONFIRMED' })]);
    expect(await seatsOf(eventId)).toEqual([{ status: 'BOOKED', booking_id: id }, { status: 'AVAILABLE', booking_id: null }]);
    const announced = [
      { event_type: 'booking.held', routing_key: `booking.held.${eventId}`, status: 'HELD', seats: [{ row: 1, col: 1 }] },
      { event_type: 'booking.confirmed', routing_key: `booking.confirmed.${eventId}`, status: 'CONFIRMED', seats: [{ row: 1, col: 1 }] },
    ];
    expect(await outboxOf(id)).toEqual(announced);

    expect(await transition(TRANSITIONS.confirm, eventId, id)).toEqual([]);
    expect(await outboxOf(id)).toEqual(announced);
  });

  it('should fail a HELD booking on a declined or unanswered payment, put its seats back on sale and announce both', async () => {
    const eventId = await db.createEvent(1, 2);
    const [declined, unanswered] = [await heldBooking(eventId, [{ row: 1, col: 1 }]), await heldBooking(eventId, [{ row: 1, col: 2 }])];

    const changed = await saga.transitionAll([
      [TRANSITIONS.decline, [{ bookingId: declined, eventId }]],
      [TRANSITIONS.giveUp, [{ bookingId: unanswered, eventId }]],
    ]);
    expect(changed.map((booking) => booking.status)).toEqual(['FAILED', 'FAILED']);
    expect(await bookingOf(declined)).toEqual({ status: 'FAILED', reason: 'payment declined', refund_pending: false });
    // Given up on, the charge may still land: the refund worker gives it back.
    expect(await bookingOf(unanswered)).toEqual({ status: 'FAILED', reason: 'payment provider did not answer', refund_pending: true });
    expect(await seatsOf(eventId)).toEqual([{ status: 'AVAILABLE', booking_id: null }, { status: 'AVAILABLE', booking_id: null }]);
    expect((await outboxOf(declined)).map((row) => row.event_type)).toEqual(['booking.held', 'booking.failed', 'seats.released']);
    expect((await outboxOf(declined))[2]).toMatchObject({ routing_key: `seats.released.${eventId}`, seats: [{ row: 1, col: 1 }] });
  });

  it('should apply a transition only from the statuses it leaves', async () => {
    const eventId = await db.createEvent(1, 1);
    const id = await heldBooking(eventId, [{ row: 1, col: 1 }]);
    await transition(TRANSITIONS.decline, eventId, id);

    for (const change of [TRANSITIONS.confirm, TRANSITIONS.decline, TRANSITIONS.giveUp, TRANSITIONS.expire]) expect(await transition(change, eventId, id)).toEqual([]);
    expect(await bookingOf(id)).toEqual({ status: 'FAILED', reason: 'payment declined', refund_pending: false });
    expect(await seatsOf(eventId)).toEqual([{ status: 'AVAILABLE', booking_id: null }]);
    expect((await outboxOf(id)).map((row) => row.event_type)).toEqual(['booking.held', 'booking.failed', 'seats.released']);
  });

  it('should expire the HELD bookings past their deadline only, releasing their seats and asking for a refund', async () => {
    const eventId = await db.createEvent(1, 2);
    const due = await heldBooking(eventId, [{ row: 1, col: 1 }], { holdTtlSeconds: 0 });
    const notDue = await heldBooking(eventId, [{ row: 1, col: 2 }]);

    expect((await saga.expireDue(100)).map((booking) => booking.bookingId)).toEqual([due]);
    expect(await bookingOf(due)).toEqual({ status: 'EXPIRED', reason: 'hold expired before payment completed', refund_pending: true });
    expect((await bookingOf(notDue)).status).toBe('HELD');
    expect(await seatsOf(eventId)).toEqual([{ status: 'AVAILABLE', booking_id: null }, { status: 'HELD', booking_id: notDue }]);
    expect((await outboxOf(due)).map((row) => row.event_type)).toEqual(['booking.held', 'booking.expired', 'seats.released']);
  });

  it('should cancel a HELD or CONFIRMED booking for its own buyer only, releasing the seats and asking for a refund', async () => {
    const eventId = await db.createEvent(1, 2);
    const [held, confirmed] = [await heldBooking(eventId, [{ row: 1, col: 1 }]), await heldBooking(eventId, [{ row: 1, col: 2 }])];
    await transition(TRANSITIONS.confirm, eventId, confirmed);
    const now = new Date().toISOString();

    expect(await saga.cancel(held, eventId, 'someone-else', now)).toEqual([]);
    expect((await bookingOf(held)).status).toBe('HELD');

    for (const id of [held, confirmed]) {
      expect(await saga.cancel(id, eventId, BUYER, now)).toEqual([expect.objectContaining({ bookingId: id, status: 'CANCELLED' })]);
      expect(await bookingOf(id)).toEqual({ status: 'CANCELLED', reason: 'cancelled by the buyer', refund_pending: true });
      expect((await outboxOf(id)).slice(-2).map((row) => row.event_type)).toEqual(['booking.cancelled', 'seats.released']);
    }
    expect(await seatsOf(eventId)).toEqual([{ status: 'AVAILABLE', booking_id: null }, { status: 'AVAILABLE', booking_id: null }]);
    expect(await saga.cancel(held, eventId, BUYER, now)).toEqual([]);
  });

  it('should record a cancellation that overtook its request, so that the request, when it comes, books nothing', async () => {
    const eventId = await db.createEvent(1, 1);
    const request = bookingRequest(eventId, { userId: BUYER, seats: [{ row: 1, col: 1 }] });

    expect(await saga.cancel(request.bookingId, eventId, BUYER, request.requestedAt)).toEqual([expect.objectContaining({ status: 'CANCELLED', seats: [] })]);
    expect((await outboxOf(request.bookingId)).map((row) => row.event_type)).toEqual(['booking.cancelled']);
    const fresh = await bookings.transaction((manager) => bookings.insertPending(manager, [request], new Map()));
    expect(fresh.size).toBe(0);
    expect((await bookingOf(request.bookingId)).status).toBe('CANCELLED');
  });

  it('should let exactly one of two racing transitions change a booking, and announce only that one', async () => {
    const eventId = await db.createEvent(1, 1);
    const id = await heldBooking(eventId, [{ row: 1, col: 1 }]);
    const lock = await db.openTransaction();
    await lock.query('SELECT 1 FROM bookings WHERE id = $1 FOR UPDATE', [id]);
    const racing = [transition(TRANSITIONS.confirm, eventId, id), transition(TRANSITIONS.decline, eventId, id)];
    await db.waitForLockWaiters(2, 'both transitions to wait for the booking’s row');
    await lock.commit();

    const [confirmed, declined] = await Promise.all(racing);
    expect(confirmed.length + declined.length).toBe(1);
    const winner = confirmed.length > 0 ? 'CONFIRMED' : 'FAILED';
    expect((await bookingOf(id)).status).toBe(winner);
    expect((await outboxOf(id)).filter((row) => row.event_type !== 'seats.released').map((row) => row.status)).toEqual(['HELD', winner]);
  });

  it('should change nothing, outbox included, when any transition of a group commit fails', async () => {
    const eventId = await db.createEvent(1, 1);
    const id = await heldBooking(eventId, [{ row: 1, col: 1 }]);

    await expect(saga.transitionAll([[TRANSITIONS.confirm, [{ bookingId: id, eventId }]], [TRANSITIONS.decline, [{ bookingId: 'not-a-booking-id', eventId }]]])).rejects.toThrow();
    expect((await bookingOf(id)).status).toBe('HELD');
    expect(await seatsOf(eventId)).toEqual([{ status: 'HELD', booking_id: id }]);
    expect((await outboxOf(id)).map((row) => row.event_type)).toEqual(['booking.held']);
  });
});

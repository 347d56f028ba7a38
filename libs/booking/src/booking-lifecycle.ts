import { BOOKING_STATUSES, type BookingStatus, type SeatStatus } from '@app/contracts';

/** A guarded status change: it applies only to a booking in one of `from`, and its seats become `seats`. */
export interface Transition {
  readonly name: string;
  readonly from: readonly BookingStatus[];
  readonly to: BookingStatus;
  /** What the booking's seats become; AVAILABLE puts them back on sale. */
  readonly seats: SeatStatus;
  readonly reason?: string;
  /** The buyer may have paid: the refund worker gives the money back (idempotently). */
  readonly refund?: boolean;
  /** Caused by the buyer rather than by the booking's own course. */
  readonly byBuyer?: boolean;
}

/** The booking's state machine: every status change SeatGrid makes, in one table. */
export const TRANSITIONS = {
  hold: { name: 'hold', from: ['PENDING'], to: 'HELD', seats: 'HELD' },
  reject: { name: 'reject', from: ['PENDING'], to: 'REJECTED', seats: 'AVAILABLE' },
  confirm: { name: 'confirm', from: ['HELD'], to: 'CONFIRMED', seats: 'BOOKED' },
  decline: { name: 'decline', from: ['HELD'], to: 'FAILED', seats: 'AVAILABLE', reason: 'payment declined' },
  giveUp: { name: 'giveUp', from: ['HELD'], to: 'FAILED', seats: 'AVAILABLE', reason: 'payment provider did not answer', refund: true },
  expire: { name: 'expire', from: ['HELD'], to: 'EXPIRED', seats: 'AVAILABLE', reason: 'hold expired before payment completed', refund: true },
  cancel: { name: 'cancel', from: ['HELD', 'CONFIRMED'], to: 'CANCELLED', seats: 'AVAILABLE', reason: 'cancelled by the buyer', refund: true, byBuyer: true },
} as const satisfies Record<string, Transition>;

const ALL: readonly Transition[] = Object.values(TRANSITIONS);
const ON_ITS_OWN = ALL.filter((transition) => !transition.byBuyer);

/** Statuses the booking leaves only if its buyer acts: a polling buyer stops here. */
export const SETTLED_STATUSES: readonly BookingStatus[] = BOOKING_STATUSES.filter((status) => !ON_ITS_OWN.some((t) => t.from.includes(status)));

/** Statuses nothing leaves. */
export const FINAL_STATUSES: readonly BookingStatus[] = BOOKING_STATUSES.filter((status) => !ALL.some((t) => t.from.includes(status)));

/** Outcomes the booking reaches by its own course (CONFIRMED, REJECTED, FAILED, EXPIRED): the end of the buyer's wait. */
export const OUTCOME_STATUSES: readonly BookingStatus[] = [...new Set(ON_ITS_OWN.map((t) => t.to))].filter((status) => SETTLED_STATUSES.includes(status));

/** The mock price of one seat; the saga charges seats × this. */
export const SEAT_PRICE_CENTS = 5000;

import { type Static, Type } from 'typebox';
import { SeatSchema } from '../booking-request.schema.js';
import { MAX_ID, MAX_SEATS_PER_BOOKING, USER_ID_PATTERN } from '../limits.js';
import { defineMessage } from './message-contract.js';

const EventId = Type.Integer({ minimum: 1, maximum: MAX_ID });
const UserId = Type.String({ pattern: USER_ID_PATTERN });
const BookingId = Type.String({ format: 'uuid' });
const Timestamp = Type.String({ format: 'date-time' });

/** A buyer asked for seats: published by the gateway after validation, decided by the inventory (which re-checks). */
export const BookingRequestedV1 = defineMessage('booking.requested', 1, {
  bookingId: BookingId,
  eventId: EventId,
  userId: UserId,
  seats: Type.Optional(Type.Array(SeatSchema, { minItems: 1, maxItems: MAX_SEATS_PER_BOOKING })),
  quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SEATS_PER_BOOKING })),
  requestedAt: Timestamp,
});
export type BookingRequestedV1 = Static<typeof BookingRequestedV1.schema>;

/** The buyer asked to cancel: published by the gateway after checking ownership, carried out by the inventory saga. */
export const BookingCancelRequestedV1 = defineMessage('booking.cancel-requested', 1, {
  bookingId: BookingId,
  eventId: EventId,
  userId: UserId,
  requestedAt: Timestamp,
});
export type BookingCancelRequestedV1 = Static<typeof BookingCancelRequestedV1.schema>;

export type BookingCommand = BookingRequestedV1 | BookingCancelRequestedV1;

import { type Static, Type } from 'typebox';
import { SeatSchema } from '../booking-request.schema.js';
import { BOOKING_STATUSES, type BookingStatus } from '../booking.views.js';
import { MAX_ID } from '../limits.js';

/** Saga transitions announced through the outbox; routing key `<type>.<eventId>`, AMQP messageId `outbox-<id>`. */
export const BOOKING_EVENT_TYPES = ['booking.held', 'booking.confirmed', 'booking.rejected', 'booking.failed', 'booking.expired', 'booking.cancelled'] as const;
export type BookingEventType = (typeof BOOKING_EVENT_TYPES)[number];

const common = {
  version: Type.Literal(1),
  bookingId: Type.String({ format: 'uuid' }),
  eventId: Type.Integer({ minimum: 1, maximum: MAX_ID }),
  seats: Type.Array(SeatSchema),
  occurredAt: Type.String({ format: 'date-time' }),
};

export const BookingStatusChangedV1 = Type.Object(
  {
    type: Type.Union(BOOKING_EVENT_TYPES.map((type) => Type.Literal(type))),
    ...common,
    userId: Type.String(),
    status: Type.Union(BOOKING_STATUSES.map((status) => Type.Literal(status))),
    reason: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type BookingStatusChangedV1 = Omit<Static<typeof BookingStatusChangedV1>, 'type' | 'status'> & { type: BookingEventType; status: BookingStatus };

/** Seats went back on sale (payment failed, hold expired, booking cancelled): caches that said "taken" must forget. */
export const SeatsReleasedV1 = Type.Object({ type: Type.Literal('seats.released'), ...common }, { additionalProperties: false });
export type SeatsReleasedV1 = Static<typeof SeatsReleasedV1>;


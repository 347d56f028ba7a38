import { type Static, Type } from 'typebox';
import { MAX_GRID_SIDE, MAX_ID, MAX_SEATS_PER_BOOKING } from './limits.js';

export const SeatSchema = Type.Object(
  {
    row: Type.Integer({ minimum: 1, maximum: MAX_GRID_SIDE, examples: [1] }),
    col: Type.Integer({ minimum: 1, maximum: MAX_GRID_SIDE, examples: [5] }),
  },
  { additionalProperties: false },
);
export type Seat = Static<typeof SeatSchema>;

/**
 * `POST /bookings`: exactly one of `seats` (those seats) or `quantity` (best available). The gateway validates it
 * with Fastify's compiled validator; the inventory re-checks the same rules on the message.
 */
export const CreateBookingSchema = Type.Object(
  {
    eventId: Type.Integer({ minimum: 1, maximum: MAX_ID, examples: [42] }),
    seats: Type.Optional(Type.Array(SeatSchema, { minItems: 1, maxItems: MAX_SEATS_PER_BOOKING })),
    quantity: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_SEATS_PER_BOOKING, description: 'Best available: adjacent seats in one row nearest the front centre, else any seats' }),
    ),
  },
  { additionalProperties: false },
);
export type CreateBookingRequest = Static<typeof CreateBookingSchema>;

/** What the schema cannot say: one kind of request, no seat twice. Answers the problem, or undefined. */
export function bookingShapeProblem(request: Pick<CreateBookingRequest, 'seats' | 'quantity'>): string | undefined {
  if ((request.seats === undefined) === (request.quantity === undefined)) return 'give exactly one of seats or quantity';
  const seen = new Set<number>();
  const seats = request.seats ?? [];
  for (let index = 0; index < seats.length; index++) {
    const key = seats[index].row * (MAX_GRID_SIDE + 1) + seats[index].col;
    if (seen.has(key)) return `seats.${index} repeats row ${seats[index].row} col ${seats[index].col}`;
    seen.add(key);
  }
  return undefined;
}

/** Seats beyond the event's grid, named as the client sent them; undefined when all fit. */
export function seatsOutsideGrid(seats: readonly Seat[], grid: { rows: number; cols: number }): string | undefined {
  for (let index = 0; index < seats.length; index++) {
    if (seats[index].row > grid.rows) return `seats.${index}.row must be at most ${grid.rows}`;
    if (seats[index].col > grid.cols) return `seats.${index}.col must be at most ${grid.cols}`;
  }
  return undefined;
}

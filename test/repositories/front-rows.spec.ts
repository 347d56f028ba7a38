import { BookingRepository } from '../../apps/inventory/src/allocation/booking.repository.js';
import { repositoryDatabase } from '../support/repository-database.js';

describe('reading the front rows of a big event (BookingRepository.findFreeInFrontRows)', () => {
  const db = repositoryDatabase();
  let repository: BookingRepository;
  beforeAll(() => {
    repository = new BookingRepository(db.dataSource);
  });

  const frontRows = (eventId: number, atLeast: number) => repository.transaction((manager) => repository.findFreeInFrontRows(manager, eventId, atLeast));
  const rowsOf = (seats: { row: number }[]) => [...new Set(seats.map((seat) => seat.row))];

  it('should read whole rows up to the one holding the seat after the first atLeast free ones, skipping taken seats', async () => {
    const eventId = await db.createEvent(50, 10);
    await db.sql(`UPDATE seats SET status = 'BOOKED', booking_id = gen_random_uuid() WHERE event_id = $1 AND seat_row = 1 AND seat_col <= 8`, [eventId]);

    const front = await frontRows(eventId, 11);

    expect(front.throughRow).toBe(2);
    expect(rowsOf(front.seats)).toEqual([1, 2]);
    expect(front.seats).toHaveLength(12);
    expect(front.seats.filter((seat) => seat.row === 1).map((seat) => seat.col).sort((a, b) => a - b)).toEqual([9, 10]);
  });

  it('should say it read every free seat when the event has no more than asked for', async () => {
    const eventId = await db.createEvent(3, 4);
    await db.sql(`UPDATE seats SET status = 'HELD', booking_id = gen_random_uuid() WHERE event_id = $1 AND seat_row < 3`, [eventId]);

    const front = await frontRows(eventId, 4);

    expect(front.throughRow).toBe(Infinity);
    expect(front.seats).toHaveLength(4);
  });
});

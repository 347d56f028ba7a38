import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Seat } from '@app/contracts';
import { BookingRepository, type SeatClaim } from '../../apps/inventory/src/allocation/booking.repository.js';
import { repositoryDatabase } from '../support/repository-database.js';

describe('claiming seats (BookingRepository.claimSeats, releaseClaims)', () => {
  const db = repositoryDatabase();
  let repository: BookingRepository;
  beforeAll(() => {
    repository = new BookingRepository(db.dataSource);
  });

  const claims = (eventId: number, bookingId: string, seats: Seat[]): SeatClaim[] => seats.map((seat) => ({ ...seat, eventId, bookingId }));
  const seatsOf = (eventId: number) =>
    db.sql<{ row: number; col: number; status: string; booking_id: string | null }>('SELECT seat_row AS row, seat_col AS col, status, booking_id FROM seats WHERE event_id = $1 ORDER BY 1, 2', [eventId]);

  /** A claim in a transaction that stays open until `end` commits it or rolls it back. */
  async function claimHeldOpen(seatClaims: SeatClaim[]) {
    let decide!: (outcome: 'commit' | 'rollback') => void;
    const outcome = new Promise<'commit' | 'rollback'>((resolve) => (decide = resolve));
    let claimed!: (got: SeatClaim[]) => void;
    const got = new Promise<SeatClaim[]>((resolve) => (claimed = resolve));
    const finished = repository
      .transaction(async (manager) => {
        claimed(await repository.claimSeats(manager, seatClaims));
        if ((await outcome) === 'rollback') throw new Error('rolled back by the spec');
      })
      .catch(() => undefined);
    const end = (how: 'commit' | 'rollback') => {
      decide(how);
      return finished;
    };
    return { got: await got, end };
  }

  const claimAlone = (seatClaims: SeatClaim[]) => repository.transaction((manager: EntityManager) => repository.claimSeats(manager, seatClaims));

  it('should give a seat two transactions claim at once to the first to commit, and the other only its free seats', async () => {
    const eventId = await db.createEvent(1, 2);
    const [first, second] = [randomUUID(), randomUUID()];
    const firstClaim = await claimHeldOpen(claims(eventId, first, [{ row: 1, col: 1 }]));
    const secondClaim = claimAlone(claims(eventId, second, [{ row: 1, col: 1 }, { row: 1, col: 2 }]));
    await db.waitForLockWaiters(1, 'the second claim to wait for the first one’s row lock');
    await firstClaim.end('commit');

    expect(firstClaim.got).toEqual(claims(eventId, first, [{ row: 1, col: 1 }]));
    expect(await secondClaim).toEqual(claims(eventId, second, [{ row: 1, col: 2 }]));
    expect(await seatsOf(eventId)).toEqual([
      { row: 1, col: 1, status: 'HELD', booking_id: first },
      { row: 1, col: 2, status: 'HELD', booking_id: second },
    ]);
  });

  it('should give the seat to the waiting transaction when the first one rolls back', async () => {
    const eventId = await db.createEvent(1, 1);
    const [first, second] = [randomUUID(), randomUUID()];
    const firstClaim = await claimHeldOpen(claims(eventId, first, [{ row: 1, col: 1 }]));
    const secondClaim = claimAlone(claims(eventId, second, [{ row: 1, col: 1 }]));
    await db.waitForLockWaiters(1, 'the second claim to wait for the first one’s row lock');
    await firstClaim.end('rollback');

    expect(await secondClaim).toEqual(claims(eventId, second, [{ row: 1, col: 1 }]));
    expect(await seatsOf(eventId)).toEqual([{ row: 1, col: 1, status: 'HELD', booking_id: second }]);
  });

  it('should claim only seats that exist and are AVAILABLE, answering the ones it got', async () => {
    const eventId = await db.createEvent(1, 3);
    const [owner, late] = [randomUUID(), randomUUID()];
    await claimAlone(claims(eventId, owner, [{ row: 1, col: 2 }]));

    const got = await claimAlone(claims(eventId, late, [{ row: 1, col: 3 }, { row: 1, col: 2 }, { row: 2, col: 1 }, { row: 1, col: 1 }]));
    expect(got.sort((a, b) => a.col - b.col)).toEqual(claims(eventId, late, [{ row: 1, col: 1 }, { row: 1, col: 3 }]));
    expect(await seatsOf(eventId)).toEqual([
      { row: 1, col: 1, status: 'HELD', booking_id: late },
      { row: 1, col: 2, status: 'HELD', booking_id: owner },
      { row: 1, col: 3, status: 'HELD', booking_id: late },
    ]);
  });

  it('should give back every seat the named bookings claimed, and no other', async () => {
    const eventId = await db.createEvent(1, 3);
    const [losing, keeping] = [randomUUID(), randomUUID()];
    await repository.transaction(async (manager) => {
      await repository.claimSeats(manager, [...claims(eventId, losing, [{ row: 1, col: 1 }, { row: 1, col: 2 }]), ...claims(eventId, keeping, [{ row: 1, col: 3 }])]);
      await repository.releaseClaims(manager, [{ bookingId: losing, eventId }]);
    });
    expect(await seatsOf(eventId)).toEqual([
      { row: 1, col: 1, status: 'AVAILABLE', booking_id: null },
      { row: 1, col: 2, status: 'AVAILABLE', booking_id: null },
      { row: 1, col: 3, status: 'HELD', booking_id: keeping },
    ]);
  });
});

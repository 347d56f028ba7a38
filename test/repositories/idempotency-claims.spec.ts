import { randomUUID } from 'node:crypto';
import { IdempotencyRepository } from '../../apps/gateway/src/bookings/idempotency.repository.js';
import { repositoryDatabase } from '../support/repository-database.js';

describe('idempotency claims (IdempotencyRepository.claim)', () => {
  const db = repositoryDatabase();
  let keys: IdempotencyRepository;
  beforeAll(() => {
    keys = new IdempotencyRepository(db.dataSource);
  });

  const stored = (userId: string, key: string) => db.sql('SELECT booking_id, request_hash FROM idempotency_keys WHERE user_id = $1 AND key = $2', [userId, key]);

  it('should let exactly one of many concurrent claims of a key win, and answer its booking to all', async () => {
    const key = randomUUID();
    const candidates = Array.from({ length: 8 }, () => randomUUID());
    const answers = await Promise.all(candidates.map((bookingId) => keys.claim('alice', key, 'hash-a', bookingId)));

    const winners = new Set(answers.map((answer) => answer.bookingId));
    expect(winners.size).toBe(1);
    expect(candidates).toContain([...winners][0]);
    expect(await stored('alice', key)).toEqual([{ booking_id: [...winners][0], request_hash: 'hash-a' }]);
  });

  it('should answer a repeat of the same request with the booking recorded first', async () => {
    const key = randomUUID();
    const first = randomUUID();
    await keys.claim('alice', key, 'hash-a', first);
    expect(await keys.claim('alice', key, 'hash-a', randomUUID())).toEqual({ bookingId: first, requestHash: 'hash-a' });
  });

  it('should answer a request with another body under the same key with the first request’s hash, so the caller can refuse it', async () => {
    const key = randomUUID();
    const first = randomUUID();
    await keys.claim('alice', key, 'hash-a', first);
    expect(await keys.claim('alice', key, 'hash-b', randomUUID())).toEqual({ bookingId: first, requestHash: 'hash-a' });
    expect(await stored('alice', key)).toEqual([{ booking_id: first, request_hash: 'hash-a' }]);
  });

  /** A claim of `key` for `second` made while a claim for `first` is still uncommitted, which then ends with `ending`. */
  async function claimWhileAnotherIsInFlight(key: string, first: string, second: string, ending: 'commit' | 'rollback') {
    const inFlight = await db.openTransaction();
    await inFlight.query(`INSERT INTO idempotency_keys (user_id, key, request_hash, booking_id) VALUES ('alice', $1, 'hash-a', $2)`, [key, first]);
    const waiting = keys.claim('alice', key, 'hash-a', second);
    await db.waitForLockWaiters(1, 'the second claim to wait for the first one’s commit');
    await (ending === 'commit' ? inFlight.commit() : inFlight.rollback());
    return waiting;
  }

  it('should make a claim wait for an uncommitted one of the same key, then answer that one’s booking', async () => {
    const [first, second] = [randomUUID(), randomUUID()];
    expect(await claimWhileAnotherIsInFlight(randomUUID(), first, second, 'commit')).toEqual({ bookingId: first, requestHash: 'hash-a' });
  });

  it('should give the key to the waiting claim when the first one rolls back', async () => {
    const [first, second] = [randomUUID(), randomUUID()];
    expect(await claimWhileAnotherIsInFlight(randomUUID(), first, second, 'rollback')).toEqual({ bookingId: second, requestHash: 'hash-a' });
  });

  it('should keep one buyer’s keys apart from another’s', async () => {
    const key = randomUUID();
    const [alices, bobs] = [randomUUID(), randomUUID()];
    await keys.claim('alice', key, 'hash-a', alices);
    expect(await keys.claim('bob', key, 'hash-a', bobs)).toEqual({ bookingId: bobs, requestHash: 'hash-a' });
  });
});

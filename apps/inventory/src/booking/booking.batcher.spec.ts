import { Logger } from '@nestjs/common';
import { loadConfig } from '@app/config';
import type { BookingRequestedV1 } from '@app/contracts';
import { idleMetric, standInForNestPrometheus } from '../../../../test/support/prometheus-stand-in.js';
import { DecisionBacklog } from '../saga/decision-backlog.js';
import type { BookingDecider, Problems, TracedRequest } from './booking-decider.service.js';

standInForNestPrometheus();
const { BookingBatcher } = await import('./booking.batcher.js');

const request = (bookingId: string): TracedRequest => ({ request: { bookingId } as BookingRequestedV1 });
const ids = (batch: TracedRequest[]) => batch.map((item) => item.request.bookingId);
/** What PostgreSQL says when two transactions cannot both commit: try again. */
const serializationFailure = () => Object.assign(new Error('could not serialize access due to concurrent update'), { code: '40001' });

/** A decider that records each batch it is given and fails it when `fails` says so. */
function fakeDecider(fails: (batch: string[], call: number) => Error | undefined) {
  const batches: string[][] = [];
  const decider = {
    decideBatch: async (batch: TracedRequest[]): Promise<Problems> => {
      batches.push(ids(batch));
      const error = fails(ids(batch), batches.length);
      if (error) throw error;
      return new Map(ids(batch).map((id) => [id, undefined]));
    },
  } as unknown as BookingDecider;
  return { decider, batches };
}

const batcherWith = (decider: BookingDecider) => new BookingBatcher(decider, loadConfig({ BOOKING_BATCH_SIZE: '10' }), new DecisionBacklog(), idleMetric);

describe(BookingBatcher.name, () => {
  // Each case makes the batcher warn on purpose.
  beforeAll(() => Logger.overrideLogger(false));

  it('should decide a failed batch one request at a time, so that only the bad request fails', async () => {
    const bad = new Error('invalid input syntax for type json');
    const { decider, batches } = fakeDecider((batch) => (batch.includes('bad') ? bad : undefined));

    const problems = await batcherWith(decider).submit(['good-1', 'bad', 'good-2'].map(request));
    expect(problems).toEqual(new Map([['good-1', undefined], ['bad', bad], ['good-2', undefined]]));
    expect(batches).toEqual([['good-1', 'bad', 'good-2'], ['good-1'], ['bad'], ['good-2']]);
  });

  it('should retry the whole batch after a transient database failure, deciding every request', async () => {
    const { decider, batches } = fakeDecider((_, call) => (call === 1 ? serializationFailure() : undefined));

    const problems = await batcherWith(decider).submit(['first', 'second'].map(request));
    expect(problems).toEqual(new Map([['first', undefined], ['second', undefined]]));
    expect(batches).toEqual([['first', 'second'], ['first', 'second']]);
  });

  it('should hand a transient failure back instead of retrying once the app is shutting down', async () => {
    const failure = serializationFailure();
    const { decider, batches } = fakeDecider(() => failure);
    const batcher = batcherWith(decider);
    batcher.beforeApplicationShutdown();

    expect(await batcher.submit(['first', 'second'].map(request))).toEqual(new Map([['first', failure], ['second', failure]]));
    expect(batches).toEqual([['first', 'second']]);
  });
});

import type { SseStream } from './sse-stream.js';
import { RING_BATCHES, SeatFeed, type SeatSubscriber } from './seat-feed.js';

const event = { id: 1, name: 'feed', rows: 10, cols: 10, maxTicketsPerBuyer: 10 };
const frame = (version: number) => Buffer.from(`v${version}`);

/** A subscriber whose stream records what it is sent. */
function subscriber(version: number | undefined): SeatSubscriber & { sent: string[] } {
  const sent: string[] = [];
  const stream = { send: (data: Buffer) => sent.push(data.toString()) > 0, open: true } as unknown as SseStream;
  return { stream, version, sent };
}

describe(SeatFeed.name, () => {
  it('should bring a subscriber that is behind up to date from its ring, in version order', () => {
    const feed = new SeatFeed(event);
    feed.restart(10);
    for (let version = 11; version <= 13; version++) feed.append(version, frame(version));
    const behind = subscriber(11);
    expect(feed.catchUp(behind)).toBe(2);
    expect([behind.sent, behind.version]).toEqual([['v12', 'v13'], 13]);
    expect(feed.catchUp(subscriber(10))).toBe(3);
    expect(feed.catchUp(subscriber(13))).toBe(0);
  });

  it('should not resume from before its ring, nor from a version it has not seen', () => {
    const feed = new SeatFeed(event);
    feed.restart(10);
    feed.append(11, frame(11));
    expect([feed.covers(9), feed.covers(10), feed.covers(11), feed.covers(12), feed.covers(undefined)]).toEqual([false, true, true, false, false]);
    expect(feed.catchUp(subscriber(9))).toBeUndefined();
  });

  it('should start its ring again at a gap', () => {
    const feed = new SeatFeed(event);
    feed.restart(10);
    feed.append(11, frame(11));
    feed.append(15, frame(15));
    expect([feed.version, feed.covers(11), feed.covers(14), feed.framesAfter(10).map(String)]).toEqual([15, false, true, ['v15']]);
  });

  it('should keep a bounded number of batches', () => {
    const feed = new SeatFeed(event);
    feed.restart(0);
    for (let version = 1; version <= RING_BATCHES + 50; version++) feed.append(version, frame(version));
    expect(feed.framesAfter(0)).toHaveLength(RING_BATCHES);
    expect([feed.covers(49), feed.covers(50)]).toEqual([false, true]);
  });

  it('should count a subscriber with a newer snapshot than its own as current', () => {
    const feed = new SeatFeed(event);
    feed.restart(10);
    expect([feed.isCurrent(subscriber(12)), feed.isCurrent(subscriber(9)), feed.isCurrent(subscriber(undefined))]).toEqual([true, false, false]);
  });
});

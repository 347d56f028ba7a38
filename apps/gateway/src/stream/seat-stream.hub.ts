import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PeriodicTask } from '@app/common';
import { parseSeatsChangedNotice, SeatProjection, type SeatsChangedNotice } from '@app/seat-map';
import { SeatMapCache } from '../availability/seat-map.cache.js';
import type { SeatMapSnapshot } from '../availability/seat-map.snapshot.js';
import type { EventRow } from '../catalog/event-row.js';
import { NoticeBus } from '../notices/notice-bus.js';
import { SeatFeed, type SeatSubscriber } from './seat-feed.js';
import { batchFrame, snapshotFrame } from './seat-frames.js';
import type { SseStream } from './sse-stream.js';
import { SseStreams } from './sse-streams.js';

/** A feed without subscribers is kept this long, so that clients reconnecting soon resume from its ring. */
const FEED_IDLE_MS = 60_000;
const UPKEEP_EVERY_MS = 1000;

/** Where a new stream starts: after `version` (from the ring), or from a snapshot read for it. */
export interface SeatStreamStart {
  feed: SeatFeed;
  version?: number;
  snapshot?: SeatMapSnapshot;
}

/**
 * Live seat maps: the seat notices this gateway already receives (one Redis subscription for everything, through
 * the NoticeBus) fanned out in memory to every stream of the event, each change batch serialised once. A stream
 * that is behind — a gap in the notices, a reset, a resume from too long ago — gets a fresh snapshot; every second
 * the feeds' versions are checked against Redis, so that a lost notice cannot leave streams behind for long.
 */
@Injectable()
export class SeatStreamHub implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly feeds = new Map<number, SeatFeed>();
  private readonly snapshotFrames = new WeakMap<SeatMapSnapshot, { etag: string; frame: Buffer }>();
  private readonly upkeep = new PeriodicTask('SeatFeeds', UPKEEP_EVERY_MS, () => this.upkeepPass());

  constructor(
    private readonly bus: NoticeBus,
    private readonly projection: SeatProjection,
    private readonly seatMaps: SeatMapCache,
    private readonly streams: SseStreams,
  ) {}

  onModuleInit(): void {
    this.bus.on(this.projection.channel, { name: 'seats', parse: parseSeatsChangedNotice, handle: (notice) => this.onNotice(notice) });
  }

  onApplicationBootstrap(): void {
    this.upkeep.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.upkeep.stop();
  }

  /** Before the response is taken over: resumes from the ring when `lastEventId` is recent enough, else reads a snapshot. */
  async start(event: EventRow, lastEventId: number | undefined): Promise<SeatStreamStart> {
    let feed = this.feeds.get(event.id);
    if (!feed) this.feeds.set(event.id, (feed = new SeatFeed(event)));
    if (feed.covers(lastEventId)) return { feed, version: lastEventId };
    return { feed, snapshot: (await this.seatMaps.read(event)).snapshot };
  }

  /** Sends a new stream what it lacks (snapshot, missed batches); from then on every batch as it comes. */
  attach({ feed, version, snapshot }: SeatStreamStart, stream: SseStream): void {
    const subscriber: SeatSubscriber = { stream, version };
    const sent = snapshot ? this.sendSnapshot(subscriber, snapshot) : 0;
    if (feed.version === undefined) feed.restart(subscriber.version);
    feed.subscribers.add(subscriber);
    const caughtUp = feed.catchUp(subscriber);
    if (caughtUp === undefined) this.refresh(feed);
    this.streams.count('seats', sent + (caughtUp ?? 0));
  }

  private onNotice(notice: SeatsChangedNotice): void {
    const feed = this.feeds.get(notice.eventId);
    if (!feed || (feed.version !== undefined && notice.version <= feed.version)) return;
    const frame = batchFrame(notice, feed.event);
    if (!frame) {
      // The map was replaced whole: everybody needs the new one.
      feed.restart(notice.version);
      return this.refresh(feed);
    }
    feed.append(notice.version, frame);
    let sent = 0;
    let behind = false;
    for (const subscriber of feed.subscribers) {
      if (subscriber.version === notice.version - 1) {
        if (subscriber.stream.send(frame)) sent++;
        subscriber.version = notice.version;
      } else if (!feed.isCurrent(subscriber)) behind = true;
    }
    this.streams.count('seats', sent);
    if (behind) this.refresh(feed);
  }

  /** Reads the event's seat map once for all the subscribers that the ring cannot bring up to date. */
  private refresh(feed: SeatFeed): void {
    if (feed.refreshing) return;
    feed.refreshing = true;
    void this.seatMaps
      .read(feed.event)
      .then(({ snapshot }) => this.bringUp(feed, snapshot))
      .catch(() => undefined) // the next notice or upkeep pass tries again
      .finally(() => (feed.refreshing = false));
  }

  private bringUp(feed: SeatFeed, snapshot: SeatMapSnapshot): void {
    const version = snapshot.version;
    // Newer than the feed: notices in flight will follow on from the feed. Older than its ring: the ring is not to be trusted.
    if (version !== undefined && !feed.covers(version) && !(feed.version !== undefined && version > feed.version)) feed.restart(version);
    let sent = 0;
    for (const subscriber of feed.subscribers) sent += this.bringUpOne(feed, subscriber, snapshot);
    this.streams.count('seats', sent);
  }

  /** From the ring when it reaches back far enough, else the snapshot and what the ring holds after it. */
  private bringUpOne(feed: SeatFeed, subscriber: SeatSubscriber, snapshot: SeatMapSnapshot): number {
    const fromRing = feed.catchUp(subscriber);
    if (fromRing !== undefined) return fromRing;
    return this.sendSnapshot(subscriber, snapshot) + (feed.catchUp(subscriber) ?? 0);
  }

  /** Sends a snapshot unless the subscriber has this very one already; how many events that was. */
  private sendSnapshot(subscriber: SeatSubscriber, snapshot: SeatMapSnapshot): number {
    const { etag } = snapshot;
    if (subscriber.etag === etag) return 0;
    let cached = this.snapshotFrames.get(snapshot);
    if (cached?.etag !== etag) this.snapshotFrames.set(snapshot, (cached = { etag, frame: snapshotFrame(snapshot) }));
    subscriber.stream.send(cached.frame, { snapshot: true });
    Object.assign(subscriber, { version: snapshot.version, etag });
    return 1;
  }

  private async upkeepPass(): Promise<void> {
    const now = Date.now();
    const watched: SeatFeed[] = [];
    for (const [eventId, feed] of this.feeds) {
      for (const subscriber of feed.subscribers) if (!subscriber.stream.open) feed.subscribers.delete(subscriber);
      if (feed.subscribers.size > 0) {
        feed.idleSince = now;
        watched.push(feed);
        if ([...feed.subscribers].some((subscriber) => !feed.isCurrent(subscriber))) this.refresh(feed);
      } else if (now - feed.idleSince > FEED_IDLE_MS) this.feeds.delete(eventId);
    }
    await this.verify(watched.filter((feed) => !feed.refreshing && feed.version !== undefined));
  }

  /** A version that differs from Redis' twice in a row is not a notice in flight: the feed starts again from a snapshot. */
  private async verify(feeds: SeatFeed[]): Promise<void> {
    const counters = await this.projection.readCounters(feeds.map((feed) => feed.event.id));
    feeds.forEach((feed, i) => {
      const truth = counters[i]?.version;
      if (truth === undefined || truth === feed.version || feed.suspect !== truth) {
        feed.suspect = truth === feed.version ? undefined : truth;
        return;
      }
      feed.suspect = undefined;
      feed.restart(undefined);
      this.refresh(feed);
    });
  }
}

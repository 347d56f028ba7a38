import type { EventRow } from '../catalog/event-row.js';
import type { SseStream } from './sse-stream.js';

/** Recent change batches kept per event for resuming streams (Last-Event-ID): at most this many … */
export const RING_BATCHES = 256;
/** … and this many bytes of frames. */
export const RING_BYTES = 256 * 1024;

/** A stream following an event's seats, and the version of the seat map it has been sent so far. */
export interface SeatSubscriber {
  stream: SseStream;
  /** Undefined until it has a versioned snapshot (the map came from PostgreSQL while Redis was down). */
  version?: number;
  /** ETag of the last snapshot sent, so that an unchanged one is not sent again. */
  etag?: string;
}

interface Batch {
  version: number;
  frame: Buffer;
}

/**
 * One event's seat changes as this gateway streams them: the subscribers, and a bounded ring of the latest change
 * batches, contiguous in version and ending at {@link SeatFeed.version}, from which a subscriber that is behind (or
 * a client resuming by Last-Event-ID) is brought up to date without a snapshot.
 */
export class SeatFeed {
  readonly subscribers = new Set<SeatSubscriber>();
  /** The newest version whose changes this feed has seen; undefined until it knows one. */
  version?: number;
  /** Last moment it had no subscriber (idle feeds are forgotten after a while). */
  idleSince = Date.now();
  /** A snapshot read for the subscribers that cannot be caught up from the ring is in progress. */
  refreshing = false;
  /** A version Redis reported that differs from this feed's: if it is still so at the next look, notices were lost. */
  suspect?: number;
  private batches: Batch[] = [];
  private bytes = 0;

  constructor(readonly event: EventRow) {}

  /** Whether a client at `version` can be brought up to date from the ring alone. */
  covers(version: number | undefined): boolean {
    if (version === undefined || this.version === undefined) return false;
    const oldest = this.batches.length > 0 ? this.batches[0].version - 1 : this.version;
    return version >= oldest && version <= this.version;
  }

  /** The frames of the batches after `version`, oldest first. */
  framesAfter(version: number): Buffer[] {
    return this.batches.filter((batch) => batch.version > version).map((batch) => batch.frame);
  }

  /** A newer version's batch: it follows on from the ring, or after a gap the ring starts again with it. */
  append(version: number, frame: Buffer): void {
    if (this.version === undefined || version !== this.version + 1) this.restart(version - 1);
    this.batches.push({ version, frame });
    this.bytes += frame.length;
    this.version = version;
    while (this.batches.length > RING_BATCHES || (this.bytes > RING_BYTES && this.batches.length > 1)) this.bytes -= this.batches.shift()!.frame.length;
  }

  /** Forgets the ring: from now on only `version` (or what follows it) is known. */
  restart(version: number | undefined): void {
    this.batches = [];
    this.bytes = 0;
    this.version = version;
  }

  /** Whether a subscriber has everything this feed knows (or more: a snapshot newer than the ring). */
  isCurrent(subscriber: SeatSubscriber): boolean {
    return subscriber.version !== undefined && this.version !== undefined && subscriber.version >= this.version;
  }

  /** Sends a subscriber the batches it misses from the ring: how many, or undefined when the ring does not reach back far enough. */
  catchUp(subscriber: SeatSubscriber): number | undefined {
    if (this.isCurrent(subscriber)) return 0;
    if (!this.covers(subscriber.version)) return undefined;
    const frames = this.framesAfter(subscriber.version!);
    for (const frame of frames) subscriber.stream.send(frame);
    subscriber.version = this.version;
    return frames.length;
  }
}

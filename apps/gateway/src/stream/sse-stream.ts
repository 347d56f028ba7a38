import type { ServerResponse } from 'node:http';
import type { StreamDropReason, StreamKind } from '@app/observability';

/** Bytes a stream may leave unsent (beyond its largest snapshot) from one look of the watchdog to the next … */
export const MAX_BACKLOG_BYTES = 256 * 1024;
/** … and at any moment: a burst of large change batches is written at once, before the socket can take any. */
export const MAX_BURST_BYTES = 4 * 1024 * 1024;
/** A client whose socket has taken nothing for this long is cut, however little is waiting. */
export const MAX_STALL_MS = 30_000;

/** One event of a Server-Sent Events stream: `id` (when given), `event` and one line of `data`. */
export function sseFrame(event: string, data: string, id?: number): Buffer {
  return Buffer.from(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${data}\n\n`);
}

/**
 * One open Server-Sent Events response. Writes go straight to the socket; what the client does not take stays in
 * Node's buffer. A client is cut rather than buffered for when more than {@link MAX_BURST_BYTES} are waiting, when
 * more than {@link MAX_BACKLOG_BYTES} still are a second later, or when it has taken nothing for {@link MAX_STALL_MS}:
 * a slow client costs a bounded amount of memory.
 */
export class SseStream {
  private closed = false;
  private stalledSince?: number;
  private behindAtLastLook = false;
  /** A snapshot may exceed the backlog bound by itself: the bound grows by the largest one sent. */
  private allowance = 0;

  constructor(
    readonly kind: StreamKind,
    private readonly raw: ServerResponse,
    private readonly dropped: (stream: SseStream, reason: StreamDropReason) => void,
  ) {
    raw.on('drain', () => (this.stalledSince = undefined));
    raw.on('close', () => (this.closed = true));
    this.closed = raw.destroyed;
  }

  get open(): boolean {
    return !this.closed;
  }

  /** Writes a frame; false when the stream is closed, or was cut now for not keeping up. */
  send(frame: Buffer, { snapshot = false } = {}): boolean {
    if (this.closed) return false;
    if (snapshot) this.allowance = Math.max(this.allowance, frame.length);
    if (this.raw.writableLength > MAX_BURST_BYTES + this.allowance) return this.drop('backlog');
    if (!this.raw.write(frame)) this.stalledSince ??= Date.now();
    return true;
  }

  /** The watchdog's look, about once a second: cuts a client that did not catch up since the last look, or took nothing for too long. */
  inspect(now: number): boolean {
    if (this.closed) return false;
    const behind = this.raw.writableLength > MAX_BACKLOG_BYTES + this.allowance;
    if (behind && this.behindAtLastLook) return !this.drop('backlog');
    this.behindAtLastLook = behind;
    return this.stalledSince !== undefined && now - this.stalledSince > MAX_STALL_MS && !this.drop('stalled');
  }

  /** Ends the stream in good order (shutdown): the client reconnects, to this gateway or another. */
  end(): void {
    this.closed = true;
    this.raw.end();
  }

  private drop(reason: StreamDropReason): false {
    this.closed = true;
    this.raw.destroy();
    this.dropped(this, reason);
    return false;
  }
}

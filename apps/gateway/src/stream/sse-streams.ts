import { type BeforeApplicationShutdown, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { OutgoingHttpHeaders } from 'node:http';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Counter, Gauge } from 'prom-client';
import { PeriodicTask } from '@app/common';
import { METRIC, type StreamDropReason, type StreamKind } from '@app/observability';
import { SseStream } from './sse-stream.js';

/** A comment line every this often keeps proxies and clients from taking a quiet stream for a dead one. */
const HEARTBEAT_EVERY_MS = 15_000;
const CHECK_EVERY_MS = 1000;
const HEARTBEAT = Buffer.from(':\n\n');

/**
 * Every Server-Sent Events stream this gateway holds open. One task for all of them (no timer per stream) sends the
 * heartbeats and cuts clients that fell behind or stopped taking data; at shutdown the streams are ended, so that the HTTP server
 * can close and the clients reconnect elsewhere.
 */
@Injectable()
export class SseStreams implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly streams = new Set<SseStream>();
  private readonly watchdog = new PeriodicTask(SseStreams.name, CHECK_EVERY_MS, () => this.check());
  private lastHeartbeat = Date.now();

  constructor(
    @InjectMetric(METRIC.sseStreamsOpen) private readonly opened: Gauge<'stream'>,
    @InjectMetric(METRIC.sseEventsSent) private readonly sent: Counter<'stream'>,
    @InjectMetric(METRIC.sseDrops) private readonly drops: Counter<'stream' | 'reason'>,
  ) {}

  onApplicationBootstrap(): void {
    this.watchdog.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.watchdog.stop();
    for (const stream of this.streams) stream.end();
  }

  /** Takes the response over from Fastify and starts a `text/event-stream` on it. */
  open(request: FastifyRequest, reply: FastifyReply, kind: StreamKind): SseStream {
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      ...(reply.getHeaders() as OutgoingHttpHeaders),
      'content-type': 'text/event-stream; charset=utf-8',
      // A buyer's place in a queue is theirs alone: no shared cache may keep it (RFC 6750 §2.3 asks it of token URLs too).
      'cache-control': kind === 'queue' ? 'private, no-cache, no-transform' : 'no-cache, no-transform',
      // nginx (and ingress-nginx) pass such a response on as it comes instead of buffering it.
      'x-accel-buffering': 'no',
    });
    raw.flushHeaders();
    request.raw.socket.setNoDelay(true);
    const stream = new SseStream(kind, raw, (cut, reason) => this.dropped(cut, reason));
    this.streams.add(stream);
    this.opened.inc({ stream: kind });
    const closed = () => {
      if (this.streams.delete(stream)) this.opened.dec({ stream: kind });
    };
    raw.once('close', closed);
    // The client may have gone while its stream was being prepared: then 'close' came before anyone listened.
    if (raw.destroyed) closed();
    return stream;
  }

  /** Counts events written to streams of one kind (once per fan-out, not once per stream). */
  count(kind: StreamKind, events: number): void {
    if (events > 0) this.sent.inc({ stream: kind }, events);
  }

  private dropped(stream: SseStream, reason: StreamDropReason): void {
    this.drops.inc({ stream: stream.kind, reason });
  }

  private check(): void {
    const now = Date.now();
    const beat = now - this.lastHeartbeat >= HEARTBEAT_EVERY_MS;
    if (beat) this.lastHeartbeat = now;
    for (const stream of this.streams) if (!stream.inspect(now) && beat) stream.send(HEARTBEAT);
  }
}

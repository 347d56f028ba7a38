import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '@app/common';
import { EventCatalog } from '../catalog/event-catalog.js';
import type { EventRow } from '../catalog/event-row.js';
import { sseFrame, type SseStream } from '../stream/sse-stream.js';
import { SseStreams } from '../stream/sse-streams.js';
import type { TicketState } from './waiting-room.queue.js';
import { type Ticket, WaitingRoomService } from './waiting-room.service.js';

const UPDATE_EVERY_MS = 1000;

interface Watcher {
  stream: SseStream;
  state: TicketState;
  /** The data last sent, so that only changes are. */
  sent?: string;
}

/**
 * Buyers following their place in a queue over Server-Sent Events (`event: queue`, data as GET /queue/{ticketId}
 * answers it, sent when it changes). Once a second, one Redis call per event moves the queue's mark and gives every
 * follower of that event its place; only a ticket that has just been admitted is read by itself (for its token).
 */
@Injectable()
export class QueueWatchers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly byEvent = new Map<number, Set<Watcher>>();
  private readonly updates = new PeriodicTask(QueueWatchers.name, UPDATE_EVERY_MS, () => this.updateAll());

  constructor(private readonly room: WaitingRoomService, private readonly catalog: EventCatalog, private readonly streams: SseStreams) {}

  onApplicationBootstrap(): void {
    this.updates.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.updates.stop();
  }

  /** Sends the ticket's state now, then whenever it changes. */
  watch({ event, state }: Ticket, stream: SseStream): void {
    const watcher: Watcher = { stream, state };
    this.send(watcher, event);
    let watchers = this.byEvent.get(event.id);
    if (!watchers) this.byEvent.set(event.id, (watchers = new Set()));
    watchers.add(watcher);
  }

  private async updateAll(): Promise<void> {
    for (const [eventId, watchers] of this.byEvent) {
      for (const watcher of watchers) if (!watcher.stream.open) watchers.delete(watcher);
      const event = this.catalog.peek(eventId);
      if (watchers.size === 0) this.byEvent.delete(eventId);
      else if (event) await this.update(event, watchers).catch(() => undefined); // Redis out: the next pass tells
    }
  }

  private async update(event: EventRow, watchers: Set<Watcher>): Promise<void> {
    const rate = event.admissionRatePerSecond;
    const admittedUpTo = rate === undefined ? 0 : await this.room.admittedUpTo({ ...event, admissionRatePerSecond: rate });
    for (const watcher of watchers) {
      const { state } = watcher;
      if (state.admittedAt === undefined && state.number <= admittedUpTo) watcher.state = (await this.room.ticket(state.ticketId, state.buyer)).state;
      else if (state.admittedAt === undefined) watcher.state = { ...state, admittedUpTo };
      this.send(watcher, event);
    }
  }

  private send(watcher: Watcher, event: EventRow): void {
    const data = JSON.stringify(this.room.viewOf(event, watcher.state));
    if (data === watcher.sent) return;
    watcher.sent = data;
    if (watcher.stream.send(sseFrame('queue', data))) this.streams.count('queue', 1);
  }
}

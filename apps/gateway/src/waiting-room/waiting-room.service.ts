import { ConflictException, ForbiddenException, Injectable, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Histogram } from 'prom-client';
import { AppConfig } from '@app/config';
import type { QueueTicketView } from '@app/contracts';
import { METRIC } from '@app/observability';
import { EventCatalog } from '../catalog/event-catalog.js';
import type { EventRow } from '../catalog/event-row.js';
import { AdmissionTokens } from './admission-token.js';
import { type QueueAnswer, type TicketState, WaitingRoomQueue } from './waiting-room.queue.js';

/** `<eventId>-<uuid>`: a ticket names its event, so that one look-up finds its queue. */
const TICKET_ID = /^([1-9]\d{0,15})-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The event a ticket id belongs to; undefined when it is not a ticket id. */
export function eventIdOfTicket(ticketId: string): number | undefined {
  const match = TICKET_ID.exec(ticketId);
  return match ? Number(match[1]) : undefined;
}

/** A ticket and the event whose queue it is in. */
export interface Ticket {
  event: EventRow;
  state: TicketState;
}

/**
 * Virtual waiting rooms: buyers join an event's queue and are admitted in the order they joined, at the event's
 * admission rate, across all gateways (the queue is in Redis). An admitted buyer gets an admission token — bound to
 * the buyer and the event, valid for QUEUE_TOKEN_TTL_SECONDS from the admission, good for one accepted booking.
 */
@Injectable()
export class WaitingRoomService {
  private readonly tokenTtlMs: number;

  constructor(
    config: AppConfig,
    private readonly queue: WaitingRoomQueue,
    private readonly catalog: EventCatalog,
    private readonly tokens: AdmissionTokens,
    @InjectMetric(METRIC.queueJoins) private readonly joins: Counter,
    @InjectMetric(METRIC.queueAdmissions) private readonly admissions: Counter,
    @InjectMetric(METRIC.queueWait) private readonly waits: Histogram,
  ) {
    this.tokenTtlMs = config.waitingRoom.tokenTtlSeconds * 1000;
  }

  /** The buyer's ticket for the event: the one it holds, or a new one at the back of the queue. */
  async join(eventId: number, buyer: string): Promise<{ view: QueueTicketView; created: boolean }> {
    const event = await this.catalog.get(eventId);
    const rate = event.admissionRatePerSecond;
    if (rate === undefined) throw new ConflictException(`event ${eventId} has no waiting room: book it directly`);
    const state = this.seen(this.counted(await available(this.queue.join(event.id, rate, buyer, `${event.id}-${randomUUID()}`, this.tokenTtlMs))));
    if (state.created) this.joins.inc();
    return { view: this.viewOf(event, state), created: state.created };
  }

  /** A ticket as its buyer may see it: 404 when unknown, 403 when it is somebody else's. */
  async ticket(ticketId: string, buyer: string): Promise<Ticket> {
    const eventId = eventIdOfTicket(ticketId);
    if (eventId === undefined) throw new NotFoundException(`queue ticket ${ticketId} not found`);
    const event = await this.catalog.get(eventId);
    const rate = event.admissionRatePerSecond;
    const state = rate === undefined ? await available(this.queue.ticket(event.id, ticketId)) : this.seen(this.counted(await available(this.queue.status(event.id, rate, ticketId))));
    if (!state) throw new NotFoundException(`queue ticket ${ticketId} not found`);
    if (state.buyer !== buyer) throw new ForbiddenException('this queue ticket belongs to another buyer');
    return { event, state };
  }

  /** The event's admitted-up-to mark, moved forward to now (for followers of many tickets at once). */
  async admittedUpTo(event: EventRow & { admissionRatePerSecond: number }): Promise<number> {
    return this.counted(await this.queue.advance(event.id, event.admissionRatePerSecond));
  }

  /** What the ticket's buyer is told: place, wait, and once admitted the token (the same one on every look). */
  viewOf(event: EventRow, state: TicketState, now = Date.now()): QueueTicketView {
    const ticket = { ticketId: state.ticketId, eventId: event.id, number: state.number };
    const rate = event.admissionRatePerSecond;
    if (rate === undefined) return { ...ticket, position: 0, admitted: true, state: 'open', estimatedWaitSeconds: 0 };
    if (state.used) return { ...ticket, position: 0, admitted: true, state: 'used', estimatedWaitSeconds: 0 };
    if (state.admittedAt === undefined) {
      const position = state.number - state.admittedUpTo;
      return { ...ticket, position, admitted: false, state: 'waiting', estimatedWaitSeconds: Math.ceil(position / rate) };
    }
    const expiresAt = state.admittedAt + this.tokenTtlMs;
    const admitted = { ...ticket, position: 0, admitted: true };
    const expiry = { estimatedWaitSeconds: 0, expiresAt: new Date(expiresAt).toISOString() };
    if (expiresAt <= now) return { ...admitted, state: 'expired', ...expiry };
    return { ...admitted, state: 'admitted', ...expiry, admissionToken: this.tokens.mint({ ticketId: state.ticketId, buyer: state.buyer, eventId: event.id, expiresAt }) };
  }

  /** Every admission is counted once, by the gateway whose call moved the mark past it. */
  private counted<T>({ value, admitted }: QueueAnswer<T>): T {
    if (admitted > 0) this.admissions.inc(admitted);
    return value;
  }

  /** The wait of every ticket is observed once, by the gateway that first saw it admitted. */
  private seen<T extends TicketState | undefined>(state: T): T {
    if (state?.firstSeenAdmitted) this.waits.observe((state.admittedAt! - state.joinedAt) / 1000);
    return state;
  }
}

/** Redis out: come back soon, nothing was changed. */
async function available<T>(pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch {
    throw new ServiceUnavailableException('waiting room unavailable, please retry');
  }
}

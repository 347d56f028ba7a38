import { Injectable, Logger, NotFoundException, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit, ServiceUnavailableException } from '@nestjs/common';
import pLimit from 'p-limit';
import { PeriodicTask } from '@app/common';
import { MAX_ADMISSION_RATE, MAX_GRID_SIDE, MAX_TICKETS_PER_BUYER } from '@app/contracts';
import { RedisService } from '@app/redis';
import { NoticeBus } from '../notices/notice-bus.js';
import type { EventRow } from './event-row.js';
import { EventsRepository } from './events.repository.js';

const MAX_CACHED_EVENTS = 10_000;
const UNKNOWN_EVENT_TTL_MS = 1000;
/** Lookups of ids the catalog does not hold: a few at a time, and a bounded queue (a flood of bad ids gets 503). */
const LOOKUPS = 2;
const LOOKUP_QUEUE = 100;
/** Admission rates are re-read this often, so that a lost announcement cannot leave a waiting room open or closed. */
const RATE_SYNC_EVERY_MS = 10_000;

/**
 * Events in process memory: the newest ones loaded at start-up, new and changed ones announced by the gateway that
 * wrote them (admission rates also re-read every few seconds), so that the booking path finds its event without
 * I/O. An id it does not hold is looked up once (coalesced, bounded) and a missing one is remembered briefly, so
 * that a flood of bad ids cannot reach PostgreSQL.
 */
@Injectable()
export class EventCatalog implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EventCatalog.name);
  private readonly known = new Map<number, EventRow>();
  private readonly unknownUntil = new Map<number, number>();
  private readonly lookups = new Map<number, Promise<EventRow | undefined>>();
  private readonly limit = pLimit(LOOKUPS);
  private readonly rateSync = new PeriodicTask('AdmissionRates', RATE_SYNC_EVERY_MS, () => this.syncAdmissionRates());

  constructor(private readonly repository: EventsRepository, private readonly bus: NoticeBus, private readonly redis: RedisService) {}

  private get channel(): string {
    return this.redis.key('events', 'created');
  }

  private get updatesChannel(): string {
    return this.redis.key('events', 'updated');
  }

  onModuleInit(): void {
    for (const channel of [this.channel, this.updatesChannel]) this.bus.on(channel, { name: 'events', parse: parseEventNotice, handle: (event: EventRow) => this.add(event) });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.rateSync.start();
    const events = await this.repository.newest(MAX_CACHED_EVENTS).catch((error: Error) => {
      this.logger.warn(`event catalog not preloaded: ${error.message}`);
      return [];
    });
    for (const event of events.reverse()) this.add(event);
  }

  onApplicationShutdown(): Promise<void> {
    return this.rateSync.stop();
  }

  /** The event when this process holds it (the booking path's no-I/O lookup). */
  peek(id: number): EventRow | undefined {
    return this.known.get(id);
  }

  async get(id: number): Promise<EventRow> {
    const event = this.known.get(id) ?? (await this.lookUp(id));
    if (!event) throw new NotFoundException(`event ${id} not found`);
    return event;
  }

  /** A new event: held here and announced to the other gateways. */
  created(event: EventRow): void {
    this.add(event);
    void this.redis.client.publish(this.channel, JSON.stringify(event)).catch(() => undefined);
  }

  /** An event changed (its admission rate): held here and announced to the other gateways. */
  updated(event: EventRow): void {
    this.add(event);
    void this.redis.client.publish(this.updatesChannel, JSON.stringify(event)).catch(() => undefined);
  }

  private async syncAdmissionRates(): Promise<void> {
    const limited = new Map((await this.repository.withAdmissionRate()).map((event) => [event.id, event]));
    for (const [id, known] of this.known) {
      const fresh = limited.get(id);
      if (fresh?.admissionRatePerSecond !== known.admissionRatePerSecond) this.known.set(id, fresh ?? withoutWaitingRoom(known));
    }
  }

  private add(event: EventRow): void {
    this.unknownUntil.delete(event.id);
    if (!this.known.has(event.id) && this.known.size >= MAX_CACHED_EVENTS) this.known.delete(this.known.keys().next().value!);
    this.known.set(event.id, event);
  }

  private rememberUnknown(id: number): void {
    if (this.unknownUntil.size >= MAX_CACHED_EVENTS) this.unknownUntil.clear();
    this.unknownUntil.set(id, Date.now() + UNKNOWN_EVENT_TTL_MS);
  }

  private lookUp(id: number): Promise<EventRow | undefined> {
    if ((this.unknownUntil.get(id) ?? 0) > Date.now()) return Promise.resolve(undefined);
    const inFlight = this.lookups.get(id);
    if (inFlight) return inFlight;
    if (this.limit.pendingCount >= LOOKUP_QUEUE) throw new ServiceUnavailableException('too many lookups of unknown events, please retry');
    const lookup = this.limit(() => this.repository.find(id))
      .then((event) => {
        if (event) this.add(event);
        else this.rememberUnknown(id);
        return event;
      })
      .finally(() => this.lookups.delete(id));
    this.lookups.set(id, lookup);
    return lookup;
  }
}

const withoutWaitingRoom = ({ admissionRatePerSecond: _, ...event }: EventRow): EventRow => event;

/** Another gateway's announcement, read without trusting it. */
function parseEventNotice(raw: string): EventRow | undefined {
  try {
    const { id, name, rows, cols, maxTicketsPerBuyer, admissionRatePerSecond: rate } = JSON.parse(raw) as Record<string, unknown>;
    const within = (n: unknown, max: number) => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= max;
    if (!Number.isSafeInteger(id) || (id as number) < 1 || typeof name !== 'string' || !within(rows, MAX_GRID_SIDE) || !within(cols, MAX_GRID_SIDE)) return undefined;
    if (!within(maxTicketsPerBuyer, MAX_TICKETS_PER_BUYER)) return undefined;
    if (rate !== undefined && !within(rate, MAX_ADMISSION_RATE)) return undefined;
    const event: EventRow = { id: id as number, name, rows: rows as number, cols: cols as number, maxTicketsPerBuyer: maxTicketsPerBuyer as number };
    if (rate !== undefined) event.admissionRatePerSecond = rate as number;
    return event;
  } catch {
    return undefined;
  }
}

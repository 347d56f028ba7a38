import { Injectable, NotFoundException } from '@nestjs/common';
import { EventsRepository, type EventRow } from './events.repository.js';

const MAX_CACHED_EVENTS = 10_000;
const UNKNOWN_EVENT_TTL_MS = 1000;

/**
 * Event grids in process memory: they never change, so validating a booking against its event costs no I/O after
 * the first request. Unknown ids are remembered briefly so that a flood of bad ids cannot reach PostgreSQL.
 */
@Injectable()
export class EventCatalog {
  private readonly known = new Map<number, EventRow>();
  private readonly unknownUntil = new Map<number, number>();

  constructor(private readonly repository: EventsRepository) {}

  async get(id: number): Promise<EventRow> {
    const cached = this.known.get(id);
    if (cached) return cached;
    if ((this.unknownUntil.get(id) ?? 0) > Date.now()) throw notFound(id);
    const event = await this.repository.find(id);
    if (!event) {
      this.remember(this.unknownUntil, id, Date.now() + UNKNOWN_EVENT_TTL_MS);
      throw notFound(id);
    }
    this.remember(this.known, id, event);
    return event;
  }

  add(event: EventRow): void {
    this.unknownUntil.delete(event.id);
    this.remember(this.known, event.id, event);
  }

  private remember<V>(map: Map<number, V>, id: number, value: V): void {
    if (map.size >= MAX_CACHED_EVENTS) map.delete(map.keys().next().value!);
    map.set(id, value);
  }
}

const notFound = (id: number) => new NotFoundException(`event ${id} not found`);

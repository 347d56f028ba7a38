import { Injectable } from '@nestjs/common';
import type { CreateEventDto, EventDetailsView, EventStatsView, EventView } from '@app/contracts';
import { AvailabilityService, type CacheStatus } from '../availability/availability.service.js';
import type { SeatMapSnapshot } from '../availability/seat-map.snapshot.js';
import { EventCatalog } from './event-catalog.js';
import { EventsRepository, type EventRow } from './events.repository.js';

@Injectable()
export class EventsService {
  constructor(private readonly repository: EventsRepository, private readonly catalog: EventCatalog, private readonly availability: AvailabilityService) {}

  async create(dto: CreateEventDto): Promise<EventView> {
    const event = await this.repository.create(dto);
    this.catalog.add(event);
    await this.availability.warmNew(event);
    return toView(event);
  }

  /** Live counts from the cached seat map (no PostgreSQL while the cache is healthy). */
  async details(id: number): Promise<EventDetailsView> {
    const { snapshot } = await this.seatMap(id);
    const seats = snapshot.counts();
    return { ...toView(await this.catalog.get(id)), ...seats, seats };
  }

  async seatMap(id: number): Promise<{ snapshot: SeatMapSnapshot; status: CacheStatus }> {
    return this.availability.seatMap(await this.catalog.get(id));
  }

  async stats(id: number): Promise<EventStatsView> {
    const event = await this.catalog.get(id);
    const [seats, bookings] = await Promise.all([this.repository.seatCounts(id), this.repository.bookingCounts(id)]);
    return { eventId: id, totalSeats: event.rows * event.cols, seats, bookings };
  }
}

function toView(event: EventRow): EventView {
  return { id: event.id, name: event.name, rows: event.rows, cols: event.cols, totalSeats: event.rows * event.cols };
}

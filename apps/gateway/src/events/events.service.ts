import { Injectable } from '@nestjs/common';
import { type CreateEventDto, type EventDetailsView, type EventStatsView, type EventView, SEAT_MAP_LEGEND, type SeatMapView } from '@app/contracts';
import { EventCatalog } from './event-catalog.js';
import { EventsRepository, type EventRow } from './events.repository.js';

const STATUS_CHAR = { HELD: 'H', BOOKED: 'B' } as const;

@Injectable()
export class EventsService {
  constructor(private readonly repository: EventsRepository, private readonly catalog: EventCatalog) {}

  async create(dto: CreateEventDto): Promise<EventView> {
    const event = await this.repository.create(dto);
    this.catalog.add(event);
    return toView(event);
  }

  async details(id: number): Promise<EventDetailsView> {
    const event = await this.catalog.get(id);
    const seats = await this.repository.seatCounts(id);
    return { ...toView(event), ...seats, seats };
  }

  async seatMap(id: number): Promise<SeatMapView> {
    const event = await this.catalog.get(id);
    const grid = Array.from({ length: event.rows }, () => Array<string>(event.cols).fill('A'));
    for (const seat of await this.repository.takenSeats(id)) grid[seat.row - 1][seat.col - 1] = STATUS_CHAR[seat.status];
    return { eventId: id, rows: event.rows, cols: event.cols, legend: SEAT_MAP_LEGEND, seats: grid.map((row) => row.join('')) };
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

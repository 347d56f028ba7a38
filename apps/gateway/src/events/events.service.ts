import { Injectable, NotFoundException } from '@nestjs/common';
import { AppConfig } from '@app/config';
import type { CreateEventDto, EventDetailsView, EventStatsView, EventView, UpdateEventDto } from '@app/contracts';
import { type CachedSeatMap, SeatMapCache } from '../availability/seat-map.cache.js';
import { SeatDemand } from '../insights/seat-demand.js';
import { EventCatalog } from '../catalog/event-catalog.js';
import type { EventRow } from '../catalog/event-row.js';
import { EventsRepository } from '../catalog/events.repository.js';

/** Stats are counted in PostgreSQL at most this often per event; concurrent askers share one count. */
const STATS_TTL_MS = 250;

@Injectable()
export class EventsService {
  private readonly stats = new Map<number, { at: number; counted: Promise<EventStatsView> }>();

  constructor(
    private readonly repository: EventsRepository,
    private readonly catalog: EventCatalog,
    private readonly seatMaps: SeatMapCache,
    private readonly config: AppConfig,
    private readonly demand: SeatDemand,
  ) {}

  async create(dto: CreateEventDto): Promise<EventView> {
    const event = await this.repository.create({ ...dto, maxTicketsPerBuyer: dto.maxTicketsPerBuyer ?? this.config.gateway.maxTicketsPerBuyer });
    this.catalog.created(event);
    await this.seatMaps.warmNew(event);
    return toView(event);
  }

  /** Changes the admission rate (null removes the waiting room); every gateway applies it within moments. */
  async update(id: number, dto: UpdateEventDto): Promise<EventView> {
    const event = await this.repository.setAdmissionRate(id, dto.admissionRatePerSecond);
    if (!event) throw new NotFoundException(`event ${id} not found`);
    this.catalog.updated(event);
    return toView(event);
  }

  /** Live counts from the cached seat map (no PostgreSQL while the cache is healthy, no count over the seats). */
  async details(id: number): Promise<EventDetailsView> {
    const event = await this.catalog.get(id);
    const seats = (await this.seatMaps.read(event)).snapshot.counts();
    return { ...toView(event), ...seats, seats };
  }

  async seatMap(id: number): Promise<CachedSeatMap> {
    const event = await this.catalog.get(id);
    this.demand.seatMapRead(event);
    return this.seatMaps.read(event);
  }

  /** Seats and bookings by status from PostgreSQL (the cold-read pool), shared by concurrent askers. */
  async statsOf(id: number): Promise<EventStatsView> {
    const event = await this.catalog.get(id);
    const cached = this.stats.get(id);
    if (cached && Date.now() - cached.at < STATS_TTL_MS) return cached.counted;
    const counted = this.count(event);
    this.stats.set(id, { at: Date.now(), counted });
    counted.catch(() => this.stats.delete(id));
    if (this.stats.size > 1000) this.forgetOldStats();
    return counted;
  }

  private async count(event: EventRow): Promise<EventStatsView> {
    const [seats, bookings] = await Promise.all([this.repository.seatCounts(event.id), this.repository.bookingCounts(event.id)]);
    return { eventId: event.id, totalSeats: event.rows * event.cols, seats, bookings };
  }

  private forgetOldStats(): void {
    for (const [id, { at }] of this.stats) if (Date.now() - at >= STATS_TTL_MS) this.stats.delete(id);
  }
}

function toView(event: EventRow): EventView {
  const view: EventView = { id: event.id, name: event.name, rows: event.rows, cols: event.cols, totalSeats: event.rows * event.cols, maxTicketsPerBuyer: event.maxTicketsPerBuyer };
  if (event.admissionRatePerSecond !== undefined) view.admissionRatePerSecond = event.admissionRatePerSecond;
  return view;
}

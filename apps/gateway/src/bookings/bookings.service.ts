import { BadRequestException, Injectable, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type BookingAcceptedView, BookingRequestedV1, type BookingView, type CreateBookingDto, type SeatDto } from '@app/contracts';
import { BrokerUnavailableError } from '@app/messaging';
import { BookingViewCache } from '@app/redis';
import { EventCatalog } from '../events/event-catalog.js';
import type { EventRow } from '../events/events.repository.js';
import { BookingPublisher } from './booking.publisher.js';
import { BookingsRepository } from './bookings.repository.js';

/** A PENDING view older than this is checked against PostgreSQL, in case the inventory's cache write was lost. */
const PENDING_RECHECK_MS = 2000;

@Injectable()
export class BookingsService {
  constructor(
    private readonly catalog: EventCatalog,
    private readonly publisher: BookingPublisher,
    private readonly viewCache: BookingViewCache,
    private readonly repository: BookingsRepository,
  ) {}

  /** Validates against the event, publishes durably and answers PENDING; the inventory decides. */
  async request(dto: CreateBookingDto, userId: string, requestId: string): Promise<BookingAcceptedView> {
    assertOneKindOfRequest(dto);
    const event = await this.catalog.get(dto.eventId);
    if (dto.seats) assertSeatsFit(dto.seats, event);
    const message = BookingRequestedV1.create({ bookingId: randomUUID(), eventId: dto.eventId, userId, seats: dto.seats, quantity: dto.quantity, requestedAt: new Date().toISOString() });
    try {
      await this.publisher.publish(message, requestId);
    } catch (error) {
      if (error instanceof BrokerUnavailableError) throw new ServiceUnavailableException(`booking intake is unavailable (${error.message}); nothing was booked, please retry`);
      throw error;
    }
    await this.viewCache.storePending(pendingView(message));
    return { bookingId: message.bookingId, status: 'PENDING' };
  }

  async find(id: string): Promise<BookingView> {
    const cached = await this.viewCache.get(id);
    if (cached && (cached.status !== 'PENDING' || Date.now() - Date.parse(cached.createdAt) < PENDING_RECHECK_MS)) return cached;
    const stored = await this.repository.findView(id);
    if (stored) return stored;
    if (cached) return cached;
    throw new NotFoundException(`booking ${id} not found`);
  }
}

function assertOneKindOfRequest(dto: CreateBookingDto): void {
  if ((dto.seats === undefined) === (dto.quantity === undefined)) throw new BadRequestException('give exactly one of seats or quantity');
  const seen = new Set<string>();
  dto.seats?.forEach((seat, index) => {
    const key = `${seat.row}:${seat.col}`;
    if (seen.has(key)) throw new BadRequestException(`seats.${index} repeats row ${seat.row} col ${seat.col}`);
    seen.add(key);
  });
}

function assertSeatsFit(seats: SeatDto[], event: EventRow): void {
  seats.forEach((seat, index) => {
    if (seat.row > event.rows) throw new BadRequestException(`seats.${index}.row must be at most ${event.rows} for event ${event.id}`);
    if (seat.col > event.cols) throw new BadRequestException(`seats.${index}.col must be at most ${event.cols} for event ${event.id}`);
  });
}

function pendingView(message: BookingRequestedV1): BookingView {
  return {
    bookingId: message.bookingId,
    eventId: message.eventId,
    userId: message.userId,
    status: 'PENDING',
    seats: message.seats ?? [],
    createdAt: message.requestedAt,
    updatedAt: message.requestedAt,
  };
}

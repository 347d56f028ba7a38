import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { BookingCancelRequestedV1 } from '@app/contracts';
import { RethrowToTransportFilter } from '@app/messaging';
import { BookingProjections } from '../projection/booking-projections.js';
import { SagaRepository } from './saga.repository.js';

/** The one handler of `booking.cancel-requested.v1`: cancels (and releases) in one transaction; refunds follow. */
@Controller()
@UseFilters(RethrowToTransportFilter)
export class BookingCancelConsumer {
  constructor(private readonly repository: SagaRepository, private readonly projections: BookingProjections) {}

  @EventPattern(BookingCancelRequestedV1.name)
  async handle(@Payload() payload: unknown): Promise<void> {
    const request = BookingCancelRequestedV1.parse(payload);
    await this.projections.afterCommit(await this.repository.cancel(request.bookingId, request.eventId, request.userId, request.requestedAt), 'AVAILABLE');
  }
}

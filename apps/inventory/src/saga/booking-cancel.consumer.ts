import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { BookingCancelRequestedV1, messageName, parseMessage } from '@app/contracts';
import { RethrowToTransportFilter } from '@app/messaging';
import { PaymentSaga } from './payment.saga.js';
import { SagaRepository } from './saga.repository.js';

/** The one handler of `booking.cancel-requested.v1`: cancels (and releases) in one transaction; refunds follow. */
@Controller()
@UseFilters(RethrowToTransportFilter)
export class BookingCancelConsumer {
  constructor(private readonly repository: SagaRepository, private readonly saga: PaymentSaga) {}

  @EventPattern(messageName(BookingCancelRequestedV1))
  async handle(@Payload() payload: unknown): Promise<void> {
    const request = parseMessage(BookingCancelRequestedV1, payload);
    await this.saga.publish(await this.repository.cancel(request.bookingId, request.eventId, request.userId, request.requestedAt));
  }
}

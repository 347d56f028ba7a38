import { Controller, Logger, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { BookingRequestedV1, messageName, parseMessage } from '@app/contracts';
import { AmqpContext, RethrowToTransportFilter } from '@app/messaging';
import { BookingBatcher } from './booking.batcher.js';

/** The one handler of `booking.requested.v1`: validates the contract, then waits for the batch decision to commit. */
@Controller()
@UseFilters(RethrowToTransportFilter)
export class BookingRequestConsumer {
  private readonly logger = new Logger(BookingRequestConsumer.name);

  constructor(private readonly batcher: BookingBatcher) {}

  @EventPattern(messageName(BookingRequestedV1))
  async handle(@Payload() payload: unknown, @Ctx() context: unknown): Promise<void> {
    const request = parseMessage(BookingRequestedV1, payload);
    await this.batcher.submit(request);
    // The gateway's request id travels in the message header, so one booking can be followed across both apps.
    this.logger.debug({ msg: 'booking request decided', requestId: (context as AmqpContext).getHeader('x-request-id'), bookingId: request.bookingId });
  }
}

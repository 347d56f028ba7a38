import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { BookingRequestedV1, messageName, parseMessage } from '@app/contracts';
import { RethrowToTransportFilter } from '@app/messaging';
import { BookingBatcher } from './booking.batcher.js';

/** The one handler of `booking.requested.v1`: validates the contract, then waits for the batch decision to commit. */
@Controller()
@UseFilters(RethrowToTransportFilter)
export class BookingRequestConsumer {
  constructor(private readonly batcher: BookingBatcher) {}

  @EventPattern(messageName(BookingRequestedV1))
  async handle(@Payload() payload: unknown): Promise<void> {
    await this.batcher.submit(parseMessage(BookingRequestedV1, payload));
  }
}

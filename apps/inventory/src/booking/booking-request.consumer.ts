import { Controller, Logger, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { BookingRequestedV1, messageName, parseMessage } from '@app/contracts';
import { AmqpContext, RethrowToTransportFilter } from '@app/messaging';
import { contextFrom, inSpan, SpanKind, traceHeaders } from '@app/observability';
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
    const message = (context as AmqpContext).getMessage();
    // The span continues the gateway's trace, carried in the message headers like the request id.
    await inSpan(`process ${request.type}`, SpanKind.CONSUMER, contextFrom(message.properties.headers), (trace) =>
      this.batcher.submit(request, traceHeaders(trace).traceparent),
    );
    this.logger.debug({ msg: 'booking request decided', requestId: message.properties.headers?.['x-request-id'], bookingId: request.bookingId });
  }
}

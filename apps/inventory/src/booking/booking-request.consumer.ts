import { Controller, UseFilters } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { BookingRequestedV1, bookingShapeProblem } from '@app/contracts';
import { BatchEventPattern, type BatchOutcome, type Delivery, PermanentMessageError, RethrowToTransportFilter } from '@app/messaging';
import { contextFrom, traceHeaders, tracingEnabled } from '@app/observability';
import { BookingBatcher, type TracedRequest } from './booking.batcher.js';

/**
 * The one handler of `booking.requested.v1`, a batch at a time: every message is checked against the contract and
 * the same rules the gateway applies (it may not have come through one), then the valid ones are decided together.
 */
@Controller()
@UseFilters(RethrowToTransportFilter)
export class BookingRequestConsumer {
  constructor(private readonly batcher: BookingBatcher) {}

  @BatchEventPattern(BookingRequestedV1.name)
  async handle(@Payload() deliveries: Delivery[]): Promise<BatchOutcome> {
    const outcome: BatchOutcome = new Array(deliveries.length);
    const valid: TracedRequest[] = [];
    const positions = new Map<TracedRequest, number>();
    deliveries.forEach((delivery, position) => {
      try {
        const request = BookingRequestedV1.parse(delivery.payload);
        const problem = bookingShapeProblem(request);
        if (problem) throw new PermanentMessageError(`${BookingRequestedV1.name} refused: ${problem}`);
        const traced: TracedRequest = { request, traceParent: tracingEnabled() ? traceHeaders(contextFrom(delivery.message.properties.headers)).traceparent : undefined };
        valid.push(traced);
        positions.set(traced, position);
      } catch (error) {
        outcome[position] = error as Error;
      }
    });
    const decided = await this.batcher.submit(valid);
    for (const traced of valid) outcome[positions.get(traced)!] = decided.get(traced.request.bookingId);
    return outcome;
  }
}

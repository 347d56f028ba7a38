import { Controller, Logger, UseFilters } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AppConfig } from '@app/config';
import { BookingRequestedV1, bookingShapeProblem } from '@app/contracts';
import { BatchEventPattern, type BatchOutcome, type Delivery, PermanentMessageError, RethrowToTransportFilter } from '@app/messaging';
import { contextFrom, type Span, SpanKind, SpanStatusCode, startSpan, traceHeaders, tracingEnabled } from '@app/observability';
import type { TracedRequest } from './booking-decider.service.js';
import { BookingBatcher } from './booking.batcher.js';

interface Checked {
  traced: TracedRequest;
  position: number;
  requestId?: unknown;
  /** The message's consumer span, when tracing is on: the booking's saga continues under it. */
  span?: Span;
}

/**
 * The one handler of `booking.requested.v1`, a batch at a time: every message is checked against the contract and
 * the same rules the gateway applies (it may not have come through one), then the valid ones are decided together.
 */
@Controller()
@UseFilters(RethrowToTransportFilter)
export class BookingRequestConsumer {
  private readonly logger = new Logger(BookingRequestConsumer.name);
  private readonly debug: boolean;

  constructor(private readonly batcher: BookingBatcher, config: AppConfig) {
    this.debug = ['debug', 'trace'].includes(config.logLevel);
  }

  @BatchEventPattern(BookingRequestedV1.name)
  async handle(@Payload() deliveries: Delivery[]): Promise<BatchOutcome> {
    const outcome: BatchOutcome = new Array(deliveries.length);
    const valid: Checked[] = [];
    deliveries.forEach((delivery, position) => {
      try {
        valid.push({ ...this.check(delivery), position });
      } catch (error) {
        outcome[position] = error as Error;
      }
    });
    const problems = await this.batcher.submit(valid.map((checked) => checked.traced));
    for (const { traced, position, requestId, span } of valid) {
      const problem = problems.get(traced.request.bookingId);
      outcome[position] = problem;
      if (span) endSpan(span, problem);
      if (this.debug) this.logger.debug({ msg: 'booking request decided', requestId, bookingId: traced.request.bookingId });
    }
    return outcome;
  }

  private check({ payload, message }: Delivery): Omit<Checked, 'position'> {
    const request = BookingRequestedV1.parse(payload);
    const problem = bookingShapeProblem(request);
    if (problem) throw new PermanentMessageError(`${BookingRequestedV1.name} refused: ${problem}`);
    const headers = message.properties.headers;
    if (!tracingEnabled()) return { traced: { request }, requestId: headers?.['x-request-id'] };
    // The span continues the gateway's trace, carried in the message headers like the request id.
    const { span, context } = startSpan(`process ${request.type}`, SpanKind.CONSUMER, contextFrom(headers));
    return { traced: { request, traceParent: traceHeaders(context).traceparent }, requestId: headers?.['x-request-id'], span };
  }
}

function endSpan(span: Span, problem: Error | undefined): void {
  if (problem) span.setStatus({ code: SpanStatusCode.ERROR, message: problem.message });
  span.end();
}

import { Module } from '@nestjs/common';
import { AllocationModule } from '../allocation/allocation.module.js';
import { OutboxModule } from '../outbox/outbox.module.js';
import { ProjectionModule } from '../projection/projection.module.js';
import { SagaModule } from '../saga/saga.module.js';
import { BookingRequestConsumer } from './booking-request.consumer.js';
import { BookingBatcher } from './booking.batcher.js';
import { BookingDecider } from './booking-decider.service.js';

/** Booking requests to decisions: seats HELD or the booking REJECTED, in batches; HELD ones go on to the saga. */
@Module({
  imports: [AllocationModule, OutboxModule, ProjectionModule, SagaModule],
  controllers: [BookingRequestConsumer],
  providers: [BookingBatcher, BookingDecider],
})
export class BookingDecisionModule {}

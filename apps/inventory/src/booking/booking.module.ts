import { Module } from '@nestjs/common';
import { OutboxModule } from '../outbox/outbox.module.js';
import { ProjectionModule } from '../projection/projection.module.js';
import { SagaModule } from '../saga/saga.module.js';
import { BookingRequestConsumer } from './booking-request.consumer.js';
import { BookingBatcher } from './booking.batcher.js';
import { BookingDecider } from './booking-decider.service.js';
import { BookingRepository } from './booking.repository.js';

/** Booking requests to decisions: seats HELD or the booking REJECTED, in batches; HELD ones go on to the saga. */
@Module({
  imports: [OutboxModule, ProjectionModule, SagaModule],
  controllers: [BookingRequestConsumer],
  providers: [BookingBatcher, BookingDecider, BookingRepository],
})
export class BookingDecisionModule {}

import { Module } from '@nestjs/common';
import { PaymentModule } from '@app/payment';
import { OutboxModule } from '../outbox/outbox.module.js';
import { ProjectionModule } from '../projection/projection.module.js';
import { WaitlistModule } from '../waitlist/waitlist.module.js';
import { BookingCancelConsumer } from './booking-cancel.consumer.js';
import { DecisionBacklog } from './decision-backlog.js';
import { PaymentSaga } from './payment.saga.js';
import { SagaRepository } from './saga.repository.js';
import { SagaSweeper } from './saga.sweeper.js';
import { TransitionBatcher } from './transition.batcher.js';

/** HELD bookings to their end: payment, confirmation or compensation, expiry, cancellation, refunds. */
@Module({
  imports: [PaymentModule, OutboxModule, ProjectionModule, WaitlistModule],
  controllers: [BookingCancelConsumer],
  providers: [DecisionBacklog, PaymentSaga, SagaRepository, SagaSweeper, TransitionBatcher],
  exports: [DecisionBacklog, PaymentSaga],
})
export class SagaModule {}

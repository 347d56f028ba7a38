import { Module } from '@nestjs/common';
import { BookingCancelConsumer } from './booking-cancel.consumer.js';
import { PaymentSaga } from './payment.saga.js';
import { SagaRepository } from './saga.repository.js';
import { SagaSweeper } from './saga.sweeper.js';
import { TransitionBatcher } from './transition.batcher.js';

@Module({
  controllers: [BookingCancelConsumer],
  providers: [PaymentSaga, SagaRepository, SagaSweeper, TransitionBatcher],
  exports: [PaymentSaga],
})
export class SagaModule {}

import { Module } from '@nestjs/common';
import { SagaModule } from '../saga/saga.module.js';
import { BookingRequestConsumer } from './booking-request.consumer.js';
import { BookingBatcher } from './booking.batcher.js';
import { BookingRepository } from './booking.repository.js';
import { BookingService } from './booking.service.js';

@Module({
  imports: [SagaModule],
  controllers: [BookingRequestConsumer],
  providers: [BookingBatcher, BookingRepository, BookingService],
})
export class BookingModule {}

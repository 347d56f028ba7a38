import { Module } from '@nestjs/common';
import { BookingRequestConsumer } from './booking-request.consumer.js';
import { BookingBatcher } from './booking.batcher.js';
import { BookingRepository } from './booking.repository.js';
import { BookingService } from './booking.service.js';

@Module({
  controllers: [BookingRequestConsumer],
  providers: [BookingBatcher, BookingRepository, BookingService],
})
export class BookingModule {}

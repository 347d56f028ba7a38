import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { BookingPublisher } from './booking.publisher.js';
import { BookingsController } from './bookings.controller.js';
import { BookingsRepository } from './bookings.repository.js';
import { BookingsService } from './bookings.service.js';
import { IdempotencyRepository } from './idempotency.repository.js';

@Module({
  imports: [EventsModule],
  controllers: [BookingsController],
  providers: [BookingPublisher, BookingsRepository, BookingsService, IdempotencyRepository],
  exports: [BookingPublisher],
})
export class BookingsModule {}

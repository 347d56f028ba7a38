import { Module } from '@nestjs/common';
import { BookingModule } from '@app/booking';
import { AvailabilityModule } from '../availability/availability.module.js';
import { EventsModule } from '../events/events.module.js';
import { PublishingModule } from '../publishing/publishing.module.js';
import { WaitingRoomModule } from '../waiting-room/waiting-room.module.js';
import { BookingIntake } from './booking-intake.service.js';
import { BookingStatusService } from './booking-status.service.js';
import { BookingsController } from './bookings.controller.js';
import { BookingsRepository } from './bookings.repository.js';
import { IdempotencyRepository } from './idempotency.repository.js';

@Module({
  imports: [AvailabilityModule, BookingModule, EventsModule, PublishingModule, WaitingRoomModule],
  controllers: [BookingsController],
  providers: [BookingIntake, BookingStatusService, BookingsRepository, IdempotencyRepository],
})
export class BookingsModule {}

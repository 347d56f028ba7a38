import { Module } from '@nestjs/common';
import { BookingRepository } from '../booking/booking.repository.js';
import { ProjectionModule } from '../projection/projection.module.js';
import { WaitlistHandover } from './waitlist-handover.js';
import { WaitlistRepository } from './waitlist.repository.js';

/** Hands seats that come back to the waitlist (the booking module imports the saga, so its repository is provided here too). */
@Module({
  imports: [ProjectionModule],
  providers: [WaitlistHandover, WaitlistRepository, BookingRepository],
  exports: [WaitlistHandover],
})
export class WaitlistModule {}

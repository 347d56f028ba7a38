import { Module } from '@nestjs/common';
import { AllocationModule } from '../allocation/allocation.module.js';
import { ProjectionModule } from '../projection/projection.module.js';
import { WaitlistHandover } from './waitlist-handover.js';
import { WaitlistRepository } from './waitlist.repository.js';

/** Hands seats that come back to the waitlist. */
@Module({
  imports: [AllocationModule, ProjectionModule],
  providers: [WaitlistHandover, WaitlistRepository],
  exports: [WaitlistHandover],
})
export class WaitlistModule {}

import { Module } from '@nestjs/common';
import { BookingModule } from '@app/booking';
import { ReadReplicaModule } from '@app/database/replica/index.js';
import { SeatMapModule } from '@app/seat-map';
import { NoticesModule } from '../notices/notices.module.js';
import { AvailabilityCheck } from './availability-check.js';
import { AvailabilityCounters } from './availability-counters.js';
import { SeatMapCache } from './seat-map.cache.js';

/** What the gateway knows about seats, in memory: counters (the sold-out filter), seat maps, and pending demand. */
@Module({
  imports: [SeatMapModule, BookingModule, NoticesModule, ReadReplicaModule],
  providers: [AvailabilityCounters, SeatMapCache, AvailabilityCheck],
  exports: [SeatMapCache, AvailabilityCheck],
})
export class AvailabilityModule {}

import { Module } from '@nestjs/common';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { ThrottlerStorage } from '@nestjs/throttler';
import { BookingModule } from '@app/booking';
import { ReadReplicaModule } from '@app/database/replica/index.js';
import { RedisModule, RedisService } from '@app/redis';
import { AuthModule } from '../auth/auth.module.js';
import { AvailabilityModule } from '../availability/availability.module.js';
import { CatalogModule } from '../catalog/catalog.module.js';
import { SeatDemandModule } from '../insights/seat-demand.module.js';
import { PublishingModule } from '../publishing/publishing.module.js';
import { WaitingRoomModule } from '../waiting-room/waiting-room.module.js';
import { BookingIntake } from './booking-intake.service.js';
import { BookingRateLimiter } from './booking-rate-limiter.js';
import { BookingStatusService } from './booking-status.service.js';
import { BookingsController } from './bookings.controller.js';
import { BookingsRepository } from './bookings.repository.js';
import { IdempotencyRepository } from './idempotency.repository.js';

@Module({
  imports: [AuthModule, AvailabilityModule, BookingModule, CatalogModule, PublishingModule, ReadReplicaModule, RedisModule, SeatDemandModule, WaitingRoomModule],
  controllers: [BookingsController],
  providers: [
    BookingIntake,
    BookingRateLimiter,
    BookingStatusService,
    BookingsRepository,
    IdempotencyRepository,
    { provide: ThrottlerStorage, inject: [RedisService], useFactory: (redis: RedisService) => new ThrottlerStorageRedisService(redis.client) },
  ],
})
export class BookingsModule {}

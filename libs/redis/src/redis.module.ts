import { Global, Module } from '@nestjs/common';
import { BookingViewCache } from './booking-view.cache.js';
import { RedisService } from './redis.service.js';
import { SeatProjection } from './seat-projection.js';

@Global()
@Module({ providers: [RedisService, BookingViewCache, SeatProjection], exports: [RedisService, BookingViewCache, SeatProjection] })
export class RedisModule {}

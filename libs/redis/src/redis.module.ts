import { Global, Module } from '@nestjs/common';
import { BookingViewCache } from './booking-view.cache.js';
import { RedisService } from './redis.service.js';

@Global()
@Module({ providers: [RedisService, BookingViewCache], exports: [RedisService, BookingViewCache] })
export class RedisModule {}

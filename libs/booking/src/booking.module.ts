import { Module } from '@nestjs/common';
import { RedisModule } from '@app/redis';
import { BookingNotices } from './booking-notices.js';
import { BookingViewCache } from './booking-view.cache.js';

/** The booking read side both apps share: status views in Redis and the change notices gateways listen to. */
@Module({ imports: [RedisModule], providers: [BookingViewCache, BookingNotices], exports: [BookingViewCache, BookingNotices] })
export class BookingModule {}

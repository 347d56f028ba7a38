import { Module } from '@nestjs/common';
import { RedisModule } from '@app/redis';
import { SeatProjection } from './seat-projection.js';
import { SeatStateReader } from './seat-state.reader.js';

/** The seat read model: the Redis projection both apps share and the PostgreSQL truth it is built from. */
@Module({ imports: [RedisModule], providers: [SeatProjection, SeatStateReader], exports: [SeatProjection, SeatStateReader] })
export class SeatMapModule {}

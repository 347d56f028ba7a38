import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '@app/config';
import { BookingEntity } from './entities/booking.entity.js';
import { EventEntity } from './entities/event.entity.js';
import { SeatEntity } from './entities/seat.entity.js';
import { BookingCore1763900000000 } from './migrations/1763900000000-booking-core.js';
import { BookingSaga1763910000000 } from './migrations/1763910000000-booking-saga.js';
import { BookingTrace1763920000000 } from './migrations/1763920000000-booking-trace.js';

export const ENTITIES = [EventEntity, SeatEntity, BookingEntity];
/** Listed explicitly (no glob) so that the same list works from sources, tests and the built app. */
export const MIGRATIONS = [BookingCore1763900000000, BookingSaga1763910000000, BookingTrace1763920000000];

export function buildDataSourceOptions(config: Pick<AppConfig, 'database'>): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.database.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'each',
    synchronize: false,
    extra: { max: config.database.poolSize, connectionTimeoutMillis: 5000 },
  };
}

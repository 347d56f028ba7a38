import type { DataSourceOptions, MigrationInterface } from 'typeorm';
import type { AppConfig } from '@app/config';
import { BookingCore1763900000000 } from './migrations/1763900000000-booking-core.js';
import { BookingSaga1763910000000 } from './migrations/1763910000000-booking-saga.js';
import { BookingTrace1763920000000 } from './migrations/1763920000000-booking-trace.js';
import { DecidedAtOutboxPruned1764200000000 } from './migrations/1764200000000-decided-at-outbox-pruned.js';
import { BuyerCaps1764300000000 } from './migrations/1764300000000-buyer-caps.js';
import { Waitlist1764500000000 } from './migrations/1764500000000-waitlist.js';
import { SeatDemand1764500000001 } from './migrations/1764500000001-seat-demand.js';
import { EventAdmissionRate1764600000000 } from './migrations/1764600000000-event-admission-rate.js';
import { InventoryMembers1764700000000 } from './migrations/1764700000000-inventory-members.js';
import { DistributionLayout1764800000000 } from './migrations/1764800000000-distribution-layout.js';

/** Listed explicitly (no glob) so that the same list works from sources, tests and the built app. */
export const MIGRATIONS = [
  BookingCore1763900000000,
  BookingSaga1763910000000,
  BookingTrace1763920000000,
  DecidedAtOutboxPruned1764200000000,
  BuyerCaps1764300000000,
  Waitlist1764500000000,
  SeatDemand1764500000001,
  EventAdmissionRate1764600000000,
  InventoryMembers1764700000000,
  DistributionLayout1764800000000,
];

/** The cold-read pool: stats, booking views, seat maps while Redis is down. Apart, so that it can never starve intake or health. */
export const READS = 'reads';

/**
 * SeatGrid talks to PostgreSQL in SQL through TypeORM's DataSource (pool, transactions, migrations, health); schema
 * comes only from committed migrations, never `synchronize`. A pool that cannot give a connection within
 * `acquireTimeoutMs` fails the query (a transient error, answered 503), rather than letting requests queue.
 */
export function buildDataSourceOptions(
  config: Pick<AppConfig, 'database'>,
  { poolSize = config.database.poolSize, acquireTimeoutMs = 5000, migrations = MIGRATIONS }: { poolSize?: number; acquireTimeoutMs?: number; migrations?: (new () => MigrationInterface)[] } = {},
): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.database.url,
    entities: [],
    migrations,
    migrationsTransactionMode: 'each',
    synchronize: false,
    extra: { max: poolSize, connectionTimeoutMillis: acquireTimeoutMs },
  };
}

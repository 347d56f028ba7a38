import { makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';

/**
 * Every SeatGrid metric, in one catalogue registered by both apps (one that does not apply to an app stays at 0).
 * Names carry the `seatgrid_` prefix and their unit; labels have small fixed value sets, never ids.
 */
export const METRIC = {
  cacheRequests: 'seatgrid_cache_requests_total',
  singleFlightWaits: 'seatgrid_cache_singleflight_waits_total',
  seatMapRebuilds: 'seatgrid_seatmap_rebuilds_total',
  filterChecks: 'seatgrid_filter_checks_total',
  fastRejections: 'seatgrid_fast_rejections_total',
  filterFalsePositives: 'seatgrid_filter_false_positives_total',
  projectionLag: 'seatgrid_projection_lag_seconds',
  projectionRepairs: 'seatgrid_projection_repairs_total',
} as const;

export type CacheName = 'seatmap_local' | 'seatmap_redis' | 'booking_view';
export type CacheResult = 'hit' | 'miss' | 'stale';
export type FastRejectionReason = 'sold_out' | 'seat_taken' | 'not_enough_seats';

export const METRIC_PROVIDERS = [
  makeCounterProvider({ name: METRIC.cacheRequests, help: 'Cache lookups by cache and result', labelNames: ['cache', 'result'] }),
  makeCounterProvider({ name: METRIC.singleFlightWaits, help: 'Seat-map reads that waited for another request to rebuild the cache' }),
  makeCounterProvider({ name: METRIC.seatMapRebuilds, help: 'Seat maps rebuilt from PostgreSQL into Redis (cache misses)' }),
  makeCounterProvider({ name: METRIC.filterChecks, help: 'Booking requests checked against the in-memory availability filter' }),
  makeCounterProvider({ name: METRIC.fastRejections, help: 'Booking requests refused by the gateway without the broker or the database', labelNames: ['reason'] }),
  makeCounterProvider({ name: METRIC.filterFalsePositives, help: 'Sold-out verdicts of the in-memory filter that the exact Redis counter overturned' }),
  makeHistogramProvider({ name: METRIC.projectionLag, help: 'Time from a PostgreSQL commit to its seat change applied in Redis', buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] }),
  makeCounterProvider({ name: METRIC.projectionRepairs, help: 'Redis seat projections found drifted from PostgreSQL and rewritten' }),
];

import { makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';

/**
 * Every SeatGrid metric, in one catalogue registered by both apps (one that does not apply to an app stays at 0).
 * Names carry the `seatgrid_` prefix and their unit; labels have small fixed value sets, never ids.
 */
export const METRIC = {
  // HTTP (both apps)
  httpRequests: 'seatgrid_http_requests_total',
  httpDuration: 'seatgrid_http_request_duration_seconds',
  // Booking intake (gateway)
  bookingsAccepted: 'seatgrid_bookings_accepted_total',
  bookingsRefused: 'seatgrid_bookings_refused_total',
  // Booking decisions and messaging (inventory)
  bookingsDecided: 'seatgrid_bookings_decided_total',
  decisionLatency: 'seatgrid_booking_decision_seconds',
  batchSize: 'seatgrid_booking_batch_size',
  messagesInFlight: 'seatgrid_messages_in_flight',
  queueMessages: 'seatgrid_queue_messages',
  queueConsumers: 'seatgrid_queue_consumers',
  deadLettered: 'seatgrid_dead_lettered_total',
  shardsOwned: 'seatgrid_inventory_shards_owned',
  // Saga (inventory)
  heldBookings: 'seatgrid_saga_held_bookings',
  oldestHold: 'seatgrid_saga_oldest_hold_seconds',
  payments: 'seatgrid_payments_total',
  paymentDuration: 'seatgrid_payment_duration_seconds',
  holdExpiries: 'seatgrid_hold_expiries_total',
  compensations: 'seatgrid_compensations_total',
  outboxBacklog: 'seatgrid_outbox_backlog',
  outboxOldest: 'seatgrid_outbox_oldest_unsent_seconds',
  // Read path
  cacheRequests: 'seatgrid_cache_requests_total',
  singleFlightWaits: 'seatgrid_cache_singleflight_waits_total',
  seatMapRebuilds: 'seatgrid_seatmap_rebuilds_total',
  filterChecks: 'seatgrid_filter_checks_total',
  filterFalsePositives: 'seatgrid_filter_false_positives_total',
  projectionLag: 'seatgrid_projection_lag_seconds',
  projectionRepairs: 'seatgrid_projection_repairs_total',
  noticesDropped: 'seatgrid_notices_dropped_total',
  pendingDemand: 'seatgrid_pending_demand_seats',
  // Live seat map and waiting room (gateway)
  sseStreamsOpen: 'seatgrid_sse_streams_open',
  sseEventsSent: 'seatgrid_sse_events_sent_total',
  sseDrops: 'seatgrid_sse_drops_total',
  queueJoins: 'seatgrid_queue_joins_total',
  queueAdmissions: 'seatgrid_queue_admissions_total',
  queueWait: 'seatgrid_queue_wait_seconds',
  admissionRefusals: 'seatgrid_admission_refusals_total',
  // PostgreSQL pool (both apps)
  dbPool: 'seatgrid_db_pool_connections',
  // Read replica (gateway)
  replicaLag: 'seatgrid_db_replica_lag_seconds',
  staleReads: 'seatgrid_db_stale_reads_total',
  // Waitlist (inventory) and seat-demand insights (gateway)
  waitlistHandovers: 'seatgrid_waitlist_handovers_total',
  demandFlushes: 'seatgrid_insights_flushes_total',
} as const;

export type CacheName = 'seatmap_local' | 'seatmap_redis' | 'booking_view';
export type CacheResult = 'hit' | 'miss' | 'stale';
/** Why the gateway refused a booking request before publishing it. */
export const REFUSAL_REASONS = [
  'sold_out',
  'seat_taken',
  'not_enough_seats',
  'seat_contested',
  'oversubscribed',
  'over_cap',
  'rate_limited',
  'unauthenticated',
  'invalid',
  'unknown_event',
  'overload',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];
/** The two kinds of Server-Sent Events stream: an event's seat changes, and a buyer's place in a waiting room. */
export type StreamKind = 'seats' | 'queue';
/** Why a stream was cut by the gateway: too much unsent, or unable to take anything for too long. */
export type StreamDropReason = 'backlog' | 'stalled';
/** Why a booking for an event with a waiting room was refused (403) before anything else was checked. */
export type AdmissionRefusal = 'missing' | 'invalid' | 'expired' | 'not_yours' | 'used';
export type PaymentOutcome = 'charged' | 'declined' | 'timeout' | 'error';
export type DeadLetterReason = 'permanent' | 'retries_exhausted';
export type CompensationKind = 'seats_released' | 'refund';
/** Where a read that tolerates staleness was answered. */
export type ReadTarget = 'replica' | 'primary';
export type FlushOutcome = 'ok' | 'failed';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const METRIC_PROVIDERS = [
  makeCounterProvider({ name: METRIC.httpRequests, help: 'HTTP requests by route template and status class', labelNames: ['method', 'route', 'status_class'] }),
  makeHistogramProvider({ name: METRIC.httpDuration, help: 'HTTP request duration by route template and status class', labelNames: ['method', 'route', 'status_class'], buckets: [0.001, 0.0025, ...LATENCY_BUCKETS] }),
  makeCounterProvider({ name: METRIC.bookingsAccepted, help: 'Booking requests accepted (202) after the broker confirmed them' }),
  makeCounterProvider({ name: METRIC.bookingsRefused, help: 'Booking requests refused by the gateway, by reason', labelNames: ['reason'] }),
  makeCounterProvider({ name: METRIC.bookingsDecided, help: 'Bookings reaching a status in the inventory, by outcome', labelNames: ['outcome'] }),
  makeHistogramProvider({ name: METRIC.decisionLatency, help: 'Time from acceptance by the gateway to a final status (CONFIRMED, REJECTED, FAILED, EXPIRED)', buckets: LATENCY_BUCKETS }),
  makeHistogramProvider({ name: METRIC.batchSize, help: 'Booking requests decided per PostgreSQL transaction', buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000] }),
  makeGaugeProvider({ name: METRIC.messagesInFlight, help: 'Delivered messages not yet acknowledged by this consumer' }),
  makeGaugeProvider({ name: METRIC.queueMessages, help: 'Messages ready in a RabbitMQ queue (the consumer lag), as the broker reports', labelNames: ['queue'] }),
  makeGaugeProvider({ name: METRIC.queueConsumers, help: 'Consumers of a RabbitMQ queue, as the broker reports', labelNames: ['queue'] }),
  makeGaugeProvider({ name: METRIC.shardsOwned, help: 'Shard queues this inventory replica consumes now (it decides their events)' }),
  makeCounterProvider({ name: METRIC.deadLettered, help: 'Messages sent to the dead-letter queue, by reason', labelNames: ['reason'] }),
  makeGaugeProvider({ name: METRIC.heldBookings, help: 'Bookings currently HELD (seats held while the payment runs)' }),
  makeGaugeProvider({ name: METRIC.oldestHold, help: 'Age of the oldest HELD booking' }),
  makeCounterProvider({ name: METRIC.payments, help: 'Payment charges by outcome', labelNames: ['outcome'] }),
  makeHistogramProvider({ name: METRIC.paymentDuration, help: 'Duration of payment charge calls (each attempt)', buckets: LATENCY_BUCKETS }),
  makeCounterProvider({ name: METRIC.holdExpiries, help: 'Holds that expired before their payment completed' }),
  makeCounterProvider({ name: METRIC.compensations, help: 'Compensating actions of the saga', labelNames: ['kind'] }),
  makeGaugeProvider({ name: METRIC.outboxBacklog, help: 'Outbox events not yet published' }),
  makeGaugeProvider({ name: METRIC.outboxOldest, help: 'Age of the oldest unpublished outbox event' }),
  makeCounterProvider({ name: METRIC.cacheRequests, help: 'Cache lookups by cache and result', labelNames: ['cache', 'result'] }),
  makeCounterProvider({ name: METRIC.singleFlightWaits, help: 'Seat-map reads that waited for another request to rebuild the cache' }),
  makeCounterProvider({ name: METRIC.seatMapRebuilds, help: 'Seat maps rebuilt from PostgreSQL into Redis (cache misses)' }),
  makeCounterProvider({ name: METRIC.filterChecks, help: 'Booking requests checked against the in-memory availability filter' }),
  makeCounterProvider({ name: METRIC.filterFalsePositives, help: 'Sold-out verdicts of the in-memory filter that the exact Redis counter overturned' }),
  makeHistogramProvider({ name: METRIC.projectionLag, help: 'Time from a PostgreSQL commit to its seat change applied in Redis', buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] }),
  makeCounterProvider({ name: METRIC.projectionRepairs, help: 'Redis seat projections found drifted from PostgreSQL and rewritten' }),
  makeCounterProvider({ name: METRIC.noticesDropped, help: 'Pub/sub notices ignored as malformed or implausible, by channel', labelNames: ['channel'] }),
  makeGaugeProvider({ name: METRIC.pendingDemand, help: 'Seats asked for by bookings this gateway accepted and the inventory has not decided yet' }),
  makeGaugeProvider({ name: METRIC.sseStreamsOpen, help: 'Server-Sent Events streams open on this gateway, by kind', labelNames: ['stream'] }),
  makeCounterProvider({ name: METRIC.sseEventsSent, help: 'Server-Sent Events written to streams (heartbeats excluded), by kind', labelNames: ['stream'] }),
  makeCounterProvider({ name: METRIC.sseDrops, help: 'Streams cut because the client did not keep up, by kind and reason', labelNames: ['stream', 'reason'] }),
  makeCounterProvider({ name: METRIC.queueJoins, help: 'Buyers who joined a waiting room (a repeated join of a valid ticket excluded)' }),
  makeCounterProvider({ name: METRIC.queueAdmissions, help: 'Waiting-room tickets admitted (summed over gateways: each admission is counted by the gateway that made it)' }),
  makeHistogramProvider({ name: METRIC.queueWait, help: 'Time from joining a waiting room to being seen admitted', buckets: [1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600] }),
  makeCounterProvider({ name: METRIC.admissionRefusals, help: 'Bookings refused (403) for want of a valid admission token, by reason', labelNames: ['reason'] }),
  makeGaugeProvider({ name: METRIC.dbPool, help: 'PostgreSQL pool connections by state', labelNames: ['state'] }),
  makeGaugeProvider({ name: METRIC.replicaLag, help: 'How far the read replica is behind the primary (NaN while it cannot be measured)' }),
  makeCounterProvider({ name: METRIC.staleReads, help: 'Reads that tolerate staleness, by where they were served', labelNames: ['served_by'] }),
  makeCounterProvider({ name: METRIC.waitlistHandovers, help: 'Bookings made for waitlisted buyers from seats that came back' }),
  makeCounterProvider({ name: METRIC.demandFlushes, help: 'Writes of the seat-demand counts gathered in memory to the insights sink, by outcome', labelNames: ['outcome'] }),
];

/** Every metric name an app exports under its own name (histograms also export _bucket, _sum, _count). */
export const EXPORTED_METRIC_NAMES: readonly string[] = Object.values(METRIC);

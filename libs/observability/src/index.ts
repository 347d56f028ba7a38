export * from './health/broker-health.js';
export * from './health/replica-health.js';
export * from './observability.module.js';
export * from './metrics.js';
export * from './deferred-counter.js';
export * from './http-metrics.js';
export * from './logging.js';
export * from './tracing.js';

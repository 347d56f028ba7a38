export * from './booking-lifecycle.js';
export * from './booking-notices.js';
export * from './booking-record.js';
export * from './booking-topology.js';
export * from './booking-view.cache.js';
export * from './booking.module.js';
export * from './waitlist-lock.js';

export * from './booking-view.cache.js';
export * from './redis.keys.js';
export * from './redis.module.js';
export * from './redis.service.js';
export * from './seat-bitmap.js';
export * from './seat-projection.js';

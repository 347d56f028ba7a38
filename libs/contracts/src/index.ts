export * from './booking-request.schema.js';
export * from './booking.views.js';
export * from './event.dto.js';
export * from './limits.js';
export * from './messages/index.js';
export * from './queue.views.js';
export * from './schema.js';

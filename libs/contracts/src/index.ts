export * from './booking.dto.js';
export * from './event.dto.js';
export * from './messages/index.js';

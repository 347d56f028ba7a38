export * from './booking-cancel-requested.v1.js';
export * from './booking-events.v1.js';
export * from './booking-requested.v1.js';
export * from './message-contract.js';

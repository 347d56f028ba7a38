export * from './booking-requested.v1.js';
export * from './message-contract.js';

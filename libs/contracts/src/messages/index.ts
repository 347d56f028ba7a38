export * from './booking-commands.v1.js';
export * from './booking-events.v1.js';
export * from './message-contract.js';

export * from './amqp-connection.js';
export * from './amqp-publisher.js';
export * from './amqp.context.js';
export * from './amqp.server.js';
export * from './delivery-ledger.js';
export * from './failure-router.js';
export * from './message-errors.js';
export * from './rethrow-to-transport.filter.js';

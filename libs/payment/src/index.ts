export * from './mock-payment.provider.js';
export * from './payment.migrations.js';
export * from './payment.module.js';
export * from './payment.provider.js';

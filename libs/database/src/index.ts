export * from './database-errors.js';
export * from './database.module.js';
export * from './database.options.js';
export * from './migrate-database.js';

export * from './database.module.js';
export * from './database.options.js';
export * from './migrate-database.js';
export * from './entities/booking.entity.js';
export * from './entities/event.entity.js';
export * from './entities/seat.entity.js';
export * from './database-errors.js';
export * from './seat-state.reader.js';

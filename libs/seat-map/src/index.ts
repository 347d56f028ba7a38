export * from './seat-bitmap.js';
export * from './seat-map.module.js';
export * from './seat-notice.js';
export * from './seat-projection.js';
export * from './seat-state.reader.js';

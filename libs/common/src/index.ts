export * from './batch-window.js';
export * from './periodic-task.js';
export * from './growing-lru.js';

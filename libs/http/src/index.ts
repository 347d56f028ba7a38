export * from './http-app.js';
export * from './http-error.filter.js';
export * from './validation.js';

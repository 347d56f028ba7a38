/**
 * k6 provides a global `console` (log, info, warn, error, debug) but @types/k6 does not declare
 * it. Declared here rather than by adding the "DOM" lib, which would also declare browser APIs
 * (fetch, URL, …) that k6 does not have.
 */
interface K6Console {
  log(...data: unknown[]): void;
  info(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
  debug(...data: unknown[]): void;
}

declare var console: K6Console;

/**
 * k6 (1.x) provides WebCrypto as the global `crypto`, which @types/k6 does not declare either; declared with just
 * the SubtleCrypto methods lib/jwt.ts uses.
 */
declare var crypto: { subtle: import('./lib/jwt.ts').Subtle<object> };

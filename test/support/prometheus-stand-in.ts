import { jest } from '@jest/globals';

/**
 * Replaces @willsoto/nestjs-prometheus for a spec that imports app classes with injected metrics: that package is
 * CommonJS and `require`s @nestjs/common, ESM-only since NestJS 12, which Jest's module system cannot load. Call it
 * before importing those classes with `await import(…)`; the spec hands each class its metrics itself.
 */
export function standInForNestPrometheus(): void {
  const provider = (options: { name: string }) => ({ provide: options.name, useValue: undefined });
  jest.unstable_mockModule('@willsoto/nestjs-prometheus', () => ({
    InjectMetric: () => () => undefined,
    getToken: (name: string) => name,
    makeCounterProvider: provider,
    makeGaugeProvider: provider,
    makeHistogramProvider: provider,
    PrometheusModule: class PrometheusModule {},
  }));
}

/** A metric that counts nothing, for a constructor that asks for one. */
export const idleMetric = { inc: () => undefined, dec: () => undefined, set: () => undefined, observe: () => undefined } as never;

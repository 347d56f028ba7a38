import { type INestApplication, Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getToken } from '@willsoto/nestjs-prometheus';
import type { Counter, Histogram } from 'prom-client';
import { DeferredCounter } from './deferred-counter.js';
import { METRIC } from './metrics.js';

type Labels = 'method' | 'route' | 'status_class';

/**
 * One hook after every HTTP answer, including the ones Fastify gives itself (malformed JSON, unknown routes):
 * - metrics by route template (never the raw URL, so label values stay few) and status class;
 * - a request line: debug for successes and expected 409 refusals (a herd would drown the logs), info for other
 *   client errors, warn for server errors (whose details the error filter logs).
 */
export function observeHttpResponses(app: INestApplication, logLevel: string): void {
  const requests = DeferredCounter.of(app.get<Counter<Labels>>(getToken(METRIC.httpRequests)));
  const duration = app.get<Histogram<Labels>>(getToken(METRIC.httpDuration));
  const logger = new Logger('HTTP');
  const debug = ['debug', 'trace'].includes(logLevel);
  const timers = new Map<string, (seconds: number) => void>();
  (app as NestFastifyApplication).getHttpAdapter().getInstance().addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    const key = `${request.method} ${route} ${Math.floor(status / 100)}`;
    const labels = () => ({ method: request.method, route, status_class: `${Math.floor(status / 100)}xx` });
    requests.inc(key, labels);
    let time = timers.get(key);
    if (!time) {
      const histogram = duration.labels(labels());
      timers.set(key, (time = (seconds) => histogram.observe(seconds)));
    }
    time(reply.elapsedTime / 1000);
    // Probes answer 503 while a dependency is down: health says so, a line per probe would not add to it.
    const quiet = status === 409 || route.startsWith('/health/');
    const level = status >= 500 && !quiet ? 'warn' : status >= 400 && !quiet ? 'log' : debug ? 'debug' : undefined;
    if (level) logger[level]({ msg: 'request', method: request.method, route, status, ms: Math.round(reply.elapsedTime), requestId: request.id });
    done();
  });
}

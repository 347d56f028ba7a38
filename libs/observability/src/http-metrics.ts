import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getToken } from '@willsoto/nestjs-prometheus';
import type { Counter, Histogram } from 'prom-client';
import { METRIC } from './metrics.js';

type Labels = 'method' | 'route' | 'status_class';

/**
 * Counts and times every HTTP answer by route template (never the raw URL, so label values stay few) and status
 * class, including the ones Fastify gives itself (malformed JSON, unknown routes). Label sets are bound once each.
 */
export function recordHttpMetrics(app: INestApplication): void {
  const requests = app.get<Counter<Labels>>(getToken(METRIC.httpRequests));
  const duration = app.get<Histogram<Labels>>(getToken(METRIC.httpDuration));
  const bound = new Map<string, { count: () => void; time: (seconds: number) => void }>();
  (app as NestFastifyApplication).getHttpAdapter().getInstance().addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const statusClass = `${Math.floor(reply.statusCode / 100)}xx`;
    const key = `${request.method} ${route} ${statusClass}`;
    let metrics = bound.get(key);
    if (!metrics) {
      const labels = { method: request.method, route, status_class: statusClass };
      const [counter, histogram] = [requests.labels(labels), duration.labels(labels)];
      bound.set(key, (metrics = { count: () => counter.inc(), time: (seconds) => histogram.observe(seconds) }));
    }
    metrics.count();
    metrics.time(reply.elapsedTime / 1000);
    done();
  });
}

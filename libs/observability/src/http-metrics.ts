import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getToken } from '@willsoto/nestjs-prometheus';
import type { Counter, Histogram } from 'prom-client';
import { METRIC } from './metrics.js';

type Labels = 'method' | 'route' | 'status_class';

/**
 * Counts and times every HTTP answer by route template (never the raw URL, so label values stay few) and status
 * class, including the ones Fastify gives itself (malformed JSON, unknown routes).
 */
export function recordHttpMetrics(app: INestApplication): void {
  const requests = app.get<Counter<Labels>>(getToken(METRIC.httpRequests));
  const duration = app.get<Histogram<Labels>>(getToken(METRIC.httpDuration));
  (app as NestFastifyApplication).getHttpAdapter().getInstance().addHook('onResponse', async (request, reply) => {
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_class: `${Math.floor(reply.statusCode / 100)}xx` };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
  });
}

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getToken } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { METRIC, type RefusalReason } from '@app/observability';

/** Refusals decided before the booking path runs (validation, body size) or by its dependencies (503). */
const REASON_OF_STATUS: Partial<Record<number, RefusalReason>> = { 400: 'invalid', 401: 'unauthenticated', 413: 'invalid', 404: 'unknown_event', 503: 'overload' };

/** Counts POST /bookings answered with an error status by reason; 409 and 429 refusals are counted where they are decided. */
export function countIntakeErrors(app: NestFastifyApplication): void {
  const refused = app.get<Counter<'reason'>>(getToken(METRIC.bookingsRefused));
  app.getHttpAdapter().getInstance().addHook('onResponse', (request, reply, done) => {
    const reason = REASON_OF_STATUS[reply.statusCode];
    if (reason && request.method === 'POST' && request.routeOptions.url === '/bookings') refused.inc({ reason });
    done();
  });
}

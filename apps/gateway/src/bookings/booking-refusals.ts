import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getToken } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { METRIC, type RefusalReason } from '@app/observability';

/** Refusals decided before the booking service runs (validation, body size) or by its dependencies (503). */
const REASON_OF_STATUS: Partial<Record<number, RefusalReason>> = { 400: 'invalid', 413: 'invalid', 404: 'unknown_event', 503: 'overload' };

/** Counts refused POST /bookings by reason; 409 refusals are counted where they are decided (availability). */
export function countBookingRefusals(app: NestFastifyApplication): void {
  const refused = app.get<Counter<'reason'>>(getToken(METRIC.bookingsRefused));
  app.getHttpAdapter().getInstance().addHook('onResponse', async (request, reply) => {
    const reason = REASON_OF_STATUS[reply.statusCode];
    if (reason && request.method === 'POST' && request.routeOptions.url === '/bookings') refused.inc({ reason });
  });
}

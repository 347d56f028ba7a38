/**
 * Seat map reads: VUS VUs read GET /events/{id}/seats of one 100×100 event (created in setup)
 * as fast as they can. Two scenarios run side by side:
 *   full         plain GETs: every answer is the whole map (served from the cache after the first);
 *   conditional  each VU revalidates with If-None-Match and the last ETag it saw: answers should be
 *                304 Not Modified, since nothing is booked during the run.
 *
 *   k6 run -e BASE_URL=http://localhost:3000 k6/seat-map.ts
 *
 * constant-vus with no think time by default: a closed loop that measures the throughput and
 * latency of the read path at a fixed concurrency.
 *
 * Environment (plus BASE_URL from lib/seatgrid.ts; AUTH_*, ADMIN_TOKEN from lib/auth.ts):
 *   SEATS              event grid, "ROWSxCOLS" or a total                             (default 100x100)
 *   VUS                VUs in total                                                   (default 500)
 *   CONDITIONAL_SHARE  share of the VUs in the conditional scenario                   (default 0.5)
 *   DURATION           how long both scenarios run                                    (default 1m)
 *   THINK              seconds each VU pauses between reads                           (default 0)
 *   FULL_P95           ms, p(95) of full reads                                        (default 250)
 *   FULL_P99           ms, p(99) of full reads                                        (default 500)
 *   CONDITIONAL_P95    ms, p(95) of conditional reads                                 (default 100)
 *   MIN_NOT_MODIFIED   share of revalidations that must be 304                        (default 0.95)
 *   MIN_CACHE_HIT      share of full 200s with X-Cache-Status: HIT; 0 turns it off    (default 0.9)
 *   ERROR_RATE         ceiling for http_req_failed                                    (default 0.01)
 */
import { check, sleep } from 'k6';
import type { Options } from 'k6/options';
import { Rate } from 'k6/metrics';
import {
  TREND_STATS,
  createEvent,
  envDuration,
  envGrid,
  envInt,
  envNumber,
  getSeatMap,
  header,
  isWellFormedMap,
  newRunId,
  signInAdmin,
} from './lib/seatgrid.ts';

const GRID = envGrid('SEATS', '100x100');
const VUS = envInt('VUS', 500);
const CONDITIONAL_VUS = Math.round(VUS * envNumber('CONDITIONAL_SHARE', 0.5, 0, 1));
const FULL_VUS = VUS - CONDITIONAL_VUS;
const DURATION = envDuration('DURATION', '1m');
const THINK = envNumber('THINK', 0);
const FULL_P95 = envNumber('FULL_P95', 250);
const FULL_P99 = envNumber('FULL_P99', 500);
const CONDITIONAL_P95 = envNumber('CONDITIONAL_P95', 100);
const MIN_NOT_MODIFIED = envNumber('MIN_NOT_MODIFIED', 0.95, 0, 1);
const MIN_CACHE_HIT = envNumber('MIN_CACHE_HIT', 0.9, 0, 1);
const ERROR_RATE = envNumber('ERROR_RATE', 0.01, 0, 1);

/** Revalidations (requests that sent If-None-Match) answered 304. */
const notModified = new Rate('seatmap_not_modified');
/** Full reads answered 200 with X-Cache-Status: HIT. */
const cacheHit = new Rate('seatmap_cache_hit');

// Only the scenarios that have VUs exist (k6 rejects a scenario with 0 VUs), and thresholds
// are declared only for those, so a threshold never passes for lack of samples.
const scenarios: NonNullable<Options['scenarios']> = {};
const thresholds: NonNullable<Options['thresholds']> = {
  http_req_failed: [`rate<${ERROR_RATE}`],
  checks: ['rate>0.99'],
};
if (FULL_VUS > 0) {
  scenarios.full = { executor: 'constant-vus', vus: FULL_VUS, duration: DURATION.text, exec: 'fullRead' };
  thresholds['http_req_duration{scenario:full}'] = [`p(95)<${FULL_P95}`, `p(99)<${FULL_P99}`];
  if (MIN_CACHE_HIT > 0) thresholds.seatmap_cache_hit = [`rate>=${MIN_CACHE_HIT}`];
}
if (CONDITIONAL_VUS > 0) {
  scenarios.conditional = { executor: 'constant-vus', vus: CONDITIONAL_VUS, duration: DURATION.text, exec: 'conditionalRead' };
  thresholds['http_req_duration{scenario:conditional}'] = [`p(95)<${CONDITIONAL_P95}`];
  thresholds.seatmap_not_modified = [`rate>=${MIN_NOT_MODIFIED}`];
}

export const options: Options = { summaryTrendStats: TREND_STATS, scenarios, thresholds };

interface MapData {
  eventId: number;
  rows: number;
  cols: number;
}

export async function setup(): Promise<MapData> {
  await signInAdmin();
  const event = createEvent(`k6 seat-map ${newRunId()}`, GRID);
  return { eventId: event.id, rows: event.rows, cols: event.cols };
}

export function fullRead(data: MapData): void {
  const read = getSeatMap(data.eventId);
  check(read.res, {
    'full: 200 with a rows×cols map': (res) => res.status === 200 && isWellFormedMap(read.map, data),
  });
  if (read.res.status === 200) cacheHit.add((header(read.res, 'X-Cache-Status') ?? '').toUpperCase() === 'HIT');
  if (THINK > 0) sleep(THINK);
}

/** Per VU (module state is not shared between VUs): the ETag this VU revalidates with. */
let etag: string | undefined;

export function conditionalRead(data: MapData): void {
  const sent = etag;
  const read = getSeatMap(data.eventId, sent);
  check(read.res, {
    'conditional: 304, or 200 with a map and an ETag': (res) =>
      res.status === 304 || (res.status === 200 && isWellFormedMap(read.map, data) && read.etag !== undefined),
  });
  if (sent !== undefined) notModified.add(read.notModified);
  if (read.etag !== undefined) etag = read.etag;
  if (THINK > 0) sleep(THINK);
}

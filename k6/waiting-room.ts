/**
 * Waiting room: BUYERS buyers (10,000) queue for an event of SEATS seats (1,000) whose waiting room admits RATE
 * buyers a second (200). Every buyer joins at the start, follows its ticket until admitted, then books one seat
 * with its admission token. The summary gives the queue wait (join → admitted) percentiles; the run fails if
 * anybody was seen admitted out of join order, if an admitted buyer was refused at the door (403), if a buyer was
 * never admitted, and — in teardown, as the other scripts — if the inventory is broken.
 *
 *   k6 run -e BASE_URL=http://localhost:3000 k6/waiting-room.ts
 *
 * Load model: per-vu-iterations with one iteration per VU, each VU owning a fixed slice of the buyers (buyer n
 * goes to VU n mod VUS), as in thundering-herd.ts. A VU joins all its buyers back to back (the rush to the queue),
 * then looks at each waiting buyer's ticket no sooner than half its estimated wait (between POLL_QUEUE_MIN and
 * POLL_QUEUE_MAX) and books the moment it is admitted. k6 has no EventSource, so GET /queue/{ticketId} is polled
 * instead of the ticket's Server-Sent Events stream; a wait is measured to the look that saw the admission.
 *
 * Nobody out of order: every answer tells the queue's mark, up to which everybody is admitted — at least `number`
 * for an admitted ticket, exactly `number - position` for a waiting one — and the mark never moves back. Each VU's
 * buyers are spread over the whole queue; an answer that contradicts a mark the VU saw before (a waiting ticket
 * below it) means somebody was admitted before a buyer who joined earlier, and counts in queue_out_of_order.
 *
 * Environment (plus BASE_URL, POLL_*, GRACE from lib/seatgrid.ts; AUTH_*, ADMIN_TOKEN from lib/auth.ts):
 *   SEATS           event grid, "ROWSxCOLS" or a total                                 (default 1000)
 *   BUYERS          distinct buyers, each joins once and books one seat once admitted  (default 10000)
 *   RATE            the event's admissionRatePerSecond                                 (default 200)
 *   VUS             VUs sharing the buyers, at most BUYERS                             (default 500)
 *   POLL_QUEUE_MIN  seconds, shortest pause between two looks at one ticket             (default 0.25)
 *   POLL_QUEUE_MAX  seconds, longest such pause                                        (default 5)
 *   QUEUE_TIMEOUT   seconds a buyer may wait before it counts as never admitted         (default 2 × BUYERS / RATE + 60)
 *   WAIT_P99        ms, p(99) of the queue wait           (default what the rate needs for everybody, +20 %, +10 s)
 *   ERROR_RATE      ceiling for http_req_failed and booking_errors                     (default 0.01)
 *   MAX_DURATION    hard cap on the scenario                                           (default 10m)
 */
import { sleep } from 'k6';
import { Counter, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import {
  POLLING_GRACEFUL_STOP,
  TEARDOWN_TIMEOUT,
  TREND_STATS,
  awaitDecisions,
  book,
  buyersOfThisVu,
  createEvent,
  envDuration,
  envGrid,
  envInt,
  envNumber,
  failOnBrokenInvariants,
  getQueueTicket,
  joinQueue,
  newRunId,
  recordDecision,
  recordIntake,
  signIn,
  signInAdmin,
  trackAccepted,
  treatConflictAsExpected,
} from './lib/seatgrid.ts';
import type { PendingBooking, QueueTicket } from './lib/seatgrid.ts';

const GRID = envGrid('SEATS', '1000');
const TOTAL_SEATS = GRID.rows * GRID.cols;
const BUYERS = envInt('BUYERS', 10000);
const RATE = envInt('RATE', 200, 1, 100000);
const VUS = Math.min(envInt('VUS', 500), BUYERS);
const POLL_QUEUE_MIN = envNumber('POLL_QUEUE_MIN', 0.25, 0.01);
const POLL_QUEUE_MAX = envNumber('POLL_QUEUE_MAX', 5, POLL_QUEUE_MIN);
const QUEUE_TIMEOUT_S = envNumber('QUEUE_TIMEOUT', Math.ceil((2 * BUYERS) / RATE + 60), 1);
const WAIT_P99 = envNumber('WAIT_P99', Math.ceil((1.2 * BUYERS) / RATE + 10) * 1000);
const ERROR_RATE = envNumber('ERROR_RATE', 0.01, 0, 1);
const MAX_DURATION = envDuration('MAX_DURATION', '10m');

const queue = {
  /** From the join's answer to the look that saw the ticket admitted (resolution: the pause between looks). */
  wait: new Trend('queue_wait', true),
  admitted: new Counter('queue_admitted'),
  outOfOrder: new Counter('queue_out_of_order'),
  refusedAtDoor: new Counter('queue_admission_refused'),
  neverAdmitted: new Counter('queue_never_admitted'),
};

treatConflictAsExpected();

export const options: Options = {
  setupTimeout: '60s',
  teardownTimeout: TEARDOWN_TIMEOUT,
  summaryTrendStats: TREND_STATS,
  scenarios: {
    queue: {
      executor: 'per-vu-iterations',
      vus: VUS,
      iterations: 1,
      maxDuration: MAX_DURATION.text,
      gracefulStop: POLLING_GRACEFUL_STOP,
    },
  },
  thresholds: {
    http_req_failed: [`rate<${ERROR_RATE}`],
    booking_errors: [`rate<${ERROR_RATE}`],
    queue_wait: [`p(99)<${WAIT_P99}`],
    queue_out_of_order: ['count==0'],
    queue_admission_refused: ['count==0'],
    queue_never_admitted: ['count==0'],
    bookings_unresolved: ['count==0'],
    bookings_confirmed: ['count>0', `count<=${TOTAL_SEATS}`],
  },
};

interface QueueData {
  runId: string;
  eventId: number;
}

interface Waiting {
  userId: string;
  ticketId: string;
  joinedAt: number;
  nextLookAt: number;
}

export async function setup(): Promise<QueueData> {
  const runId = newRunId();
  await signInAdmin();
  const event = createEvent(`k6 waiting-room ${runId}`, GRID, RATE);
  console.log(`event ${event.id}: ${event.totalSeats} seats, ${BUYERS} buyers on ${VUS} VUs, admitted at ${RATE}/s`);
  return { runId, eventId: event.id };
}

/** The highest mark this VU has seen: everybody who joined up to it is admitted. */
let mark = 0;

function judge(ticket: QueueTicket): void {
  const seen = ticket.admitted ? ticket.number : ticket.number - ticket.position;
  if (!ticket.admitted && seen < mark) queue.outOfOrder.add(1);
  mark = Math.max(mark, seen);
}

/** Half the estimated wait, within bounds: a buyer near the front is looked at often, one at the back rarely. */
function nextLook(ticket: QueueTicket): number {
  return Date.now() + 1000 * Math.min(POLL_QUEUE_MAX, Math.max(POLL_QUEUE_MIN, ticket.estimatedWaitSeconds / 2));
}

/** One look at a waiting buyer's ticket; books at once when it is admitted. True when it no longer waits. */
function look(eventId: number, buyer: Waiting, pending: PendingBooking[]): boolean {
  const { ticket } = getQueueTicket(buyer.ticketId, buyer.userId);
  if (ticket === undefined) {
    buyer.nextLookAt = Date.now() + POLL_QUEUE_MAX * 1000;
    return false;
  }
  judge(ticket);
  if (!ticket.admitted) {
    buyer.nextLookAt = nextLook(ticket);
    return false;
  }
  queue.wait.add(Date.now() - buyer.joinedAt);
  queue.admitted.add(1);
  const attempt = book(eventId, buyer.userId, { quantity: 1 }, buyer.userId, ticket.admissionToken);
  recordIntake(attempt);
  if (attempt.status === 403) queue.refusedAtDoor.add(1);
  trackAccepted(attempt, buyer.userId, pending);
  return true;
}

export default async function (data: QueueData): Promise<void> {
  const userIds = buyersOfThisVu(`queue-${data.runId}`, BUYERS, VUS);
  // Tokens first (AUTH_MODE=jwt), as a provider would have issued them before the sale: signing stays out of the rush.
  await signIn(userIds);
  let waiting: Waiting[] = [];
  for (const userId of userIds) {
    const { ticket } = joinQueue(data.eventId, userId);
    if (ticket === undefined) {
      queue.neverAdmitted.add(1);
      continue;
    }
    judge(ticket);
    waiting.push({ userId, ticketId: ticket.ticketId, joinedAt: Date.now(), nextLookAt: nextLook(ticket) });
  }
  const pending: PendingBooking[] = [];
  const deadline = Date.now() + QUEUE_TIMEOUT_S * 1000;
  while (waiting.length > 0 && Date.now() < deadline) {
    const due = Math.min(...waiting.map((buyer) => buyer.nextLookAt));
    if (due > Date.now()) sleep((due - Date.now()) / 1000);
    waiting = waiting.filter((buyer) => buyer.nextLookAt > Date.now() || !look(data.eventId, buyer, pending));
  }
  queue.neverAdmitted.add(waiting.length);
  for (const decision of awaitDecisions(pending)) recordDecision(decision);
}

export function teardown(data: QueueData): void {
  failOnBrokenInvariants([data.eventId]);
}

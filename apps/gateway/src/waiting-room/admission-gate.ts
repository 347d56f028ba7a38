import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { FastifyReply } from 'fastify';
import type { Counter } from 'prom-client';
import { type AdmissionRefusal, DeferredCounter, METRIC } from '@app/observability';
import type { Refusal } from '../availability/refusal.js';
import type { EventRow } from '../catalog/event-row.js';
import { AdmissionTokens } from './admission-token.js';
import { type AdmissionPass, TICKET_USED, withTicketHeld } from './ticket-hold.js';
import { WaitingRoomQueue } from './waiting-room.queue.js';

/** A booking refused at the waiting room's door (403), with the way to the queue. */
export interface AdmissionDenial {
  denied: AdmissionRefusal;
  eventId: number;
}

const JOIN = (eventId: number) => `join the waiting room with POST /events/${eventId}/queue`;
const MESSAGES: Record<AdmissionRefusal, (eventId: number) => string> = {
  missing: (id) => `event ${id} sells through a waiting room: ${JOIN(id)}, then send the admissionToken you get as X-Admission-Token`,
  invalid: (id) => `X-Admission-Token is not a valid admission token: ${JOIN(id)}`,
  expired: (id) => `the admission token has expired: ${JOIN(id)} again`,
  not_yours: (id) => `the admission token was issued to another buyer or for another event: ${JOIN(id)}`,
  used: (id) => `the admission token was already used for a booking: ${JOIN(id)} again`,
};

export const isAdmissionDenial = (answer: object): answer is AdmissionDenial => 'denied' in answer;

/**
 * The booking path's door for events with a waiting room: the token is checked in memory (signature, buyer, event,
 * expiry); the ticket is then held in Redis for the attempt (ticket-hold.ts) and stays used only when a booking is
 * accepted.
 */
@Injectable()
export class AdmissionGate {
  private readonly refusals: DeferredCounter<'reason'>;

  constructor(private readonly tokens: AdmissionTokens, private readonly queue: WaitingRoomQueue, @InjectMetric(METRIC.admissionRefusals) refusals: Counter<'reason'>) {
    this.refusals = DeferredCounter.of(refusals);
  }

  /** No I/O: the admission the X-Admission-Token header proves for this buyer and event, or the 403 to answer. */
  check(event: EventRow, buyer: string, header: string | string[] | undefined, idempotencyKey: string | undefined): AdmissionPass | AdmissionDenial {
    const checked = this.tokens.check(typeof header === 'string' ? header : undefined, buyer, event.id);
    if (typeof checked === 'string') return this.denial(checked, event.id);
    return { admission: checked, marker: idempotencyKey === undefined ? `once:${randomUUID()}` : `key:${idempotencyKey}` };
  }

  /** Runs `accept` holding the ticket: kept used when it answers a booking id, given back otherwise. */
  async spend(pass: AdmissionPass, accept: () => Promise<string | Refusal>): Promise<string | Refusal | AdmissionDenial> {
    const answer = await withTicketHeld(this.queue, pass, accept, () => new ServiceUnavailableException('waiting room unavailable; nothing was booked, please retry'));
    return answer === TICKET_USED ? this.denial('used', pass.admission.eventId) : answer;
  }

  private denial(denied: AdmissionRefusal, eventId: number): AdmissionDenial {
    this.refusals.inc(denied, () => ({ reason: denied }));
    return { denied, eventId };
  }
}

/** The 403 of a denial: the usual error shape, plus `queue`, the path to join. */
export function deny(reply: FastifyReply, { denied, eventId }: AdmissionDenial, requestId: string): void {
  const body = { statusCode: 403, error: 'Forbidden', message: MESSAGES[denied](eventId), requestId, queue: `/events/${eventId}/queue` };
  void reply.code(403).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
}

import type { RefusalReason } from '@app/observability';

/**
 * An expected refusal of a booking (409, or 429 for a rate limit), with its JSON body serialised up to the request
 * id: answering it costs a string concatenation, no exception and no I/O.
 */
export interface Refusal {
  readonly reason: RefusalReason;
  readonly status: 409 | 429;
  readonly head: string;
  /** Set when waiting a moment may change the answer (demand that may still fall through, a rate-limit window). */
  readonly retryAfterSeconds?: number;
}

const ERROR_OF_STATUS = { 409: 'Conflict', 429: 'Too Many Requests' } as const;

export function refusal(reason: RefusalReason, message: string, retryAfterSeconds?: number, status: Refusal['status'] = 409): Refusal {
  const head = `{"statusCode":${status},"error":"${ERROR_OF_STATUS[status]}","message":${JSON.stringify(message)},"requestId":"`;
  return { reason, status, head, retryAfterSeconds };
}

/** Request ids are UUIDs or match `[\w.:-]` (see the HTTP adapter), so they need no escaping. */
export const refusalBody = (refused: Refusal, requestId: string): string => `${refused.head}${requestId}"}`;

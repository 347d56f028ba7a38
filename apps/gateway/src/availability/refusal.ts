import type { RefusalReason } from '@app/observability';

/**
 * An expected refusal of a booking (409), with its JSON body serialised up to the request id: answering it costs a
 * string concatenation, no exception and no I/O.
 */
export interface Refusal {
  readonly reason: RefusalReason;
  readonly head: string;
  /** Set when waiting a moment may change the answer (demand that may still fall through). */
  readonly retryAfterSeconds?: number;
}

export function refusal(reason: RefusalReason, message: string, retryAfterSeconds?: number): Refusal {
  return { reason, head: `{"statusCode":409,"error":"Conflict","message":${JSON.stringify(message)},"requestId":"`, retryAfterSeconds };
}

/** Request ids are UUIDs or match `[\w.:-]` (see the HTTP adapter), so they need no escaping. */
export const refusalBody = (refused: Refusal, requestId: string): string => `${refused.head}${requestId}"}`;

/**
 * An INSERT of the outbox events for the bookings a statement just changed, built by PostgreSQL from the changed rows
 * themselves (`changed` names a CTE with the bookings' columns), for a data-modifying CTE of that statement: the
 * events exist exactly when the change does, and no event payload crosses the wire. The payloads follow
 * `BookingStatusChangedV1` and, with `released`, `SeatsReleasedV1` (libs/contracts). Each row carries its booking's event,
 * which partitions the outbox as it partitions the bookings.
 */
export function outboxRowsFor(changed: string, { released }: { released: boolean }): string {
  const statusChanged = `
    SELECT c.event_id, 'booking.' || lower(c.status), 'booking.' || lower(c.status) || '.' || c.event_id,
           jsonb_strip_nulls(jsonb_build_object('type', 'booking.' || lower(c.status), 'version', 1, 'bookingId', c.id, 'eventId', c.event_id,
             'userId', c.user_id, 'status', c.status, 'seats', c.seats, 'reason', c.reason, 'occurredAt', c.updated_at))
    FROM ${changed} c`;
  const seatsReleased = `
    SELECT c.event_id, 'seats.released', 'seats.released.' || c.event_id,
           jsonb_build_object('type', 'seats.released', 'version', 1, 'bookingId', c.id, 'eventId', c.event_id, 'seats', c.seats, 'occurredAt', c.updated_at)
    FROM ${changed} c WHERE jsonb_array_length(c.seats) > 0`;
  return `INSERT INTO outbox (event_id, event_type, routing_key, payload) ${statusChanged}${released ? ` UNION ALL ${seatsReleased}` : ''}`;
}

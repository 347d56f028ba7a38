/**
 * One event's waitlist at a time (transaction-scoped): a buyer joining (after counting the free seats) and a
 * transaction giving seats back (before looking for waiting buyers) exclude each other, so that no buyer can join
 * the line just as the seats they wanted come free and nobody is there to take them. `$1` is the event id.
 */
export const LOCK_WAITLIST_SQL = `SELECT pg_advisory_xact_lock(hashtextextended('seatgrid.waitlist.' || $1::text, 0))`;

/** Bounds every contract shares: ids, grids, bookings and buyers. */

/** Largest id a JSON number carries exactly; PostgreSQL's bigint holds it, so no id can overflow the database. */
export const MAX_ID = Number.MAX_SAFE_INTEGER;
export const MAX_GRID_SIDE = 1000;
export const MAX_SEATS_PER_BOOKING = 10;
/** The largest per-buyer ticket cap an event may set. */
export const MAX_TICKETS_PER_BUYER = 100;
/** Buyer ids: from `X-User-Id` or a token's `sub`, and in every message that names a buyer. */
export const USER_ID_PATTERN = '^[\\w.:@|-]{1,128}$';
export const USER_ID_RULE = '1-128 letters, digits or . _ : @ | -';
/** Buyers a waiting room admits a second, at most. */
export const MAX_ADMISSION_RATE = 100_000;

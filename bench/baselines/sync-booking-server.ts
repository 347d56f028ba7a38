import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';

/**
 * The naive design SeatGrid is measured against: POST /bookings decides synchronously, one PostgreSQL transaction
 * per HTTP request that locks the wanted seats with SELECT … FOR UPDATE. Same schema, same request body; answers
 * 201 with the CONFIRMED booking or 409. Kept under bench/ only: it is a yardstick, not a product.
 */
interface Seat {
  row: number;
  col: number;
}
interface BookingBody {
  eventId: number;
  seats?: Seat[];
  quantity?: number;
}

// The apps' DATABASE_POOL_SIZE default: requests beyond it wait for a connection, which is the design's bottleneck.
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });

async function book(body: BookingBody, userId: string): Promise<{ status: number; body: object }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const seats = body.seats ? await lockExact(client, body.eventId, body.seats) : await lockBest(client, body.eventId, body.quantity ?? 1);
    if (!seats) {
      await client.query('ROLLBACK');
      return { status: 409, body: { statusCode: 409, error: 'Conflict', message: 'seats not available' } };
    }
    const bookingId = randomUUID();
    await client.query(
      `UPDATE seats SET status = 'BOOKED', booking_id = $2
       WHERE event_id = $1 AND (seat_row, seat_col) IN (SELECT * FROM unnest($3::int[], $4::int[]))`,
      [body.eventId, bookingId, seats.map((s) => s.row), seats.map((s) => s.col)],
    );
    await client.query(
      `INSERT INTO bookings (id, event_id, user_id, status, requested_seats, quantity, seats, created_at, updated_at)
       VALUES ($1, $2, $3, 'CONFIRMED', $4, $5, $6, now(), now())`,
      [bookingId, body.eventId, userId, body.seats ? JSON.stringify(body.seats) : null, body.seats ? null : (body.quantity ?? 1), JSON.stringify(seats)],
    );
    await client.query('COMMIT');
    return { status: 201, body: { bookingId, status: 'CONFIRMED', seats } };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The given seats, locked, if every one is free; ordered locking keeps two buyers of the same seats from deadlocking. */
async function lockExact(client: pg.PoolClient, eventId: number, seats: Seat[]): Promise<Seat[] | undefined> {
  const { rows } = await client.query<{ row: number; col: number; status: string }>(
    `SELECT seat_row AS row, seat_col AS col, status FROM seats
     WHERE event_id = $1 AND (seat_row, seat_col) IN (SELECT * FROM unnest($2::int[], $3::int[]))
     ORDER BY seat_row, seat_col FOR UPDATE`,
    [eventId, seats.map((s) => s.row), seats.map((s) => s.col)],
  );
  return rows.length === seats.length && rows.every((r) => r.status === 'AVAILABLE') ? rows.map(({ row, col }) => ({ row, col })) : undefined;
}

/** The first `quantity` free seats from the front, locked; fewer than asked (all sold, or taken meanwhile) is a refusal. */
async function lockBest(client: pg.PoolClient, eventId: number, quantity: number): Promise<Seat[] | undefined> {
  const { rows } = await client.query<Seat>(
    `SELECT seat_row AS row, seat_col AS col FROM seats
     WHERE event_id = $1 AND status = 'AVAILABLE' ORDER BY seat_row, seat_col LIMIT $2 FOR UPDATE`,
    [eventId, quantity],
  );
  return rows.length === quantity ? rows : undefined;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString()));
    request.on('error', reject);
  });
}

function answer(response: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

const server = createServer((request, response) => {
  if (request.method !== 'POST' || request.url !== '/bookings') return answer(response, request.url === '/health' ? 200 : 404, {});
  readBody(request)
    .then((text) => book(JSON.parse(text) as BookingBody, String(request.headers['x-user-id'])))
    .then(
      (result) => answer(response, result.status, result.body),
      (error: Error) => answer(response, 500, { statusCode: 500, error: 'Internal Server Error', message: error.message }),
    );
});
server.keepAliveTimeout = 72_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));

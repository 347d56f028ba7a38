import { SETTLED_STATUSES } from '@app/booking';
import type { BookingView, EventStatsView, EventView, Seat } from '@app/contracts';

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** A thin typed client of the gateway, as a buyer or operator would use it (buyers named by X-User-Id). */
export class GatewayClient {
  /** The buyer of each booking this client made, so that reading it back goes as that buyer. */
  private readonly buyers = new Map<string, string>();

  constructor(readonly baseUrl: string, private readonly adminToken?: string) {}

  async request<T = any>(method: string, path: string, { body, headers = {} }: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    const reply = { status: response.status, headers: response.headers, body: text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
    if (method === 'POST' && path === '/bookings' && reply.status === 202 && headers['x-user-id']) this.buyers.set(reply.body.bookingId, headers['x-user-id']);
    return reply;
  }

  async createEvent(rows: number, cols: number, name = 'Test event'): Promise<EventView> {
    const headers: Record<string, string> = this.adminToken ? { authorization: `Bearer ${this.adminToken}` } : {};
    const reply = await this.request<EventView>('POST', '/events', { body: { name, rows, cols }, headers });
    if (reply.status !== 201) throw new Error(`event not created: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  }

  book(userId: string, body: { eventId: number; seats?: Seat[]; quantity?: number }): Promise<Reply> {
    return this.request('POST', '/bookings', { body, headers: { 'x-user-id': userId } });
  }

  /** GET /bookings/{id} as its buyer (the one this client booked it for, unless `userId` says otherwise). */
  booking(bookingId: string, userId = this.buyers.get(bookingId) ?? 'unknown-buyer'): Promise<Reply<BookingView>> {
    return this.request<BookingView>('GET', `/bookings/${bookingId}`, { headers: { 'x-user-id': userId } });
  }

  async stats(eventId: number): Promise<EventStatsView> {
    return (await this.request<EventStatsView>('GET', `/events/${eventId}/stats`)).body;
  }

  /** Polls like its buyer until the booking reaches a settled status (or `until`). */
  async waitForDecision(bookingId: string, { timeoutMs = 20_000, until = SETTLED_STATUSES, userId = this.buyers.get(bookingId) } = {}): Promise<BookingView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const reply = await this.booking(bookingId, userId);
      if (reply.status === 200 && until.includes(reply.body.status)) return reply.body;
      if (Date.now() > deadline) throw new Error(`booking ${bookingId} still ${reply.body.status ?? reply.status} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

import { GatewayClient } from './support/api.js';
import { TestEnvironment } from './support/test-system.js';

const ADMIN_TOKEN = 'test-admin-token-0123456789';

// No inventory runs here, so every message the gateway publishes stays countable in the queue.
describe('invalid requests to the gateway', () => {
  const env = new TestEnvironment({ ADMIN_TOKEN });
  let api: GatewayClient;
  let eventId: number;

  beforeAll(async () => {
    await env.migrate();
    api = new GatewayClient((await env.start('gateway')).url, ADMIN_TOKEN);
    eventId = (await api.createEvent(5, 5)).id;
  });
  afterAll(() => env.destroy());

  const book = (body: unknown, headers: Record<string, string> = { 'x-user-id': 'mallory' }) => api.request('POST', '/bookings', { body, headers });

  it.each([
    ['missing eventId', { eventId: undefined, seats: [{ row: 1, col: 1 }] }, 400, /eventId is required/],
    ['non-integer eventId', { eventId: 'one', quantity: 1 }, 400, /eventId must be an integer/],
    ['non-integer row', { eventId: 0, seats: [{ row: 1.5, col: 1 }] }, 400, /seats\.0\.row must be an integer/],
    ['seat outside the grid', { seats: [{ row: 1, col: 6 }] }, 400, /seats\.0\.col must be at most 5/],
    ['duplicate seats', { seats: [{ row: 1, col: 1 }, { row: 1, col: 1 }] }, 400, /seats\.1 repeats row 1 col 1/],
    ['more than 10 seats', { seats: Array.from({ length: 11 }, (_, i) => ({ row: 1 + (i % 5), col: 1 + Math.floor(i / 5) })) }, 400, /seats must contain no more than 10 elements/],
    ['empty seats', { seats: [] }, 400, /seats must contain at least 1 elements/],
    ['quantity above 10', { quantity: 11 }, 400, /quantity must not be greater than 10/],
    ['both seats and quantity', { seats: [{ row: 1, col: 1 }], quantity: 1 }, 400, /exactly one of seats or quantity/],
    ['neither seats nor quantity', {}, 400, /exactly one of seats or quantity/],
    ['unknown property', { quantity: 1, price: 0 }, 400, /property price should not exist/],
    ['unknown event', { eventId: 999_999, quantity: 1 }, 404, /event 999999 not found/],
  ])('should refuse %s', async (_, body, status, message) => {
    const reply = await book({ eventId, ...(body as object) });
    expect(reply.status).toBe(status);
    expect(reply.body).toEqual({ statusCode: status, error: expect.any(String), message: expect.stringMatching(message), requestId: expect.any(String) });
  });

  it('should refuse a booking without a buyer (401) or with a malformed X-User-Id (400)', async () => {
    const anonymous = await book({ eventId, quantity: 1 }, {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.message).toBe('X-User-Id header is required');
    const malformed = await book({ eventId, quantity: 1 }, { 'x-user-id': 'has spaces' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/X-User-Id header must be/);
  });

  it('should refuse malformed JSON', async () => {
    const reply = await api.request('POST', '/bookings', { body: '{"eventId": 1,', headers: { 'x-user-id': 'mallory' } });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toMatch(/JSON/);
  });

  it('should refuse an oversized body with 413', async () => {
    const reply = await book({ eventId, quantity: 1, padding: 'x'.repeat(20_000) });
    expect(reply.status).toBe(413);
    expect(reply.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
  });

  it('should refuse bad path ids with 400 and unknown ones with 404', async () => {
    expect((await api.request('GET', '/events/abc')).body).toMatchObject({ statusCode: 400, message: 'id must be a positive integer' });
    expect((await api.request('GET', '/bookings/not-a-uuid', { headers: { 'x-user-id': 'mallory' } })).body).toMatchObject({ statusCode: 400, message: 'id must be a UUID' });
    expect((await api.request('GET', '/events/424242/stats')).status).toBe(404);
  });

  it('should refuse invalid events', async () => {
    const reply = await api.request('POST', '/events', { body: { name: '', rows: 0, cols: 1001 }, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toMatch(/name should not be empty.*rows must not be less than 1.*cols must not be greater than 1000/);
  });

  it('should require the admin token to create events', async () => {
    const body = { name: 'x', rows: 1, cols: 1 };
    expect((await api.request('POST', '/events', { body })).status).toBe(401);
    expect((await api.request('POST', '/events', { body, headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(403);
  });

  it('should echo the caller request id', async () => {
    const reply = await api.request('GET', '/events/abc', { headers: { 'x-request-id': 'trace-me-42' } });
    expect(reply.headers.get('x-request-id')).toBe('trace-me-42');
    expect(reply.body.requestId).toBe('trace-me-42');
  });

  it('should have published nothing for refused requests, and one message for a valid one', async () => {
    const { id: ownEvent } = await api.createEvent(2, 2);
    const queued = await env.commandsQueued();
    const refused = [
      await book({ eventId: ownEvent, seats: [{ row: 3, col: 1 }] }),
      await book({ eventId: ownEvent, quantity: 1 }, {}),
      await book({ eventId: ownEvent, quantity: 1, padding: 'x'.repeat(20_000) }),
      await api.request('POST', '/bookings', { body: `{"eventId": ${ownEvent},`, headers: { 'x-user-id': 'mallory' } }),
      await book({ eventId: 999_999, quantity: 1 }),
    ];
    expect(refused.map((reply) => reply.status)).toEqual([400, 401, 413, 400, 404]);
    expect(await env.commandsQueued()).toBe(queued);
    expect((await book({ eventId: ownEvent, quantity: 1 })).status).toBe(202);
    expect(await env.commandsQueued()).toBe(queued + 1);
  });
});

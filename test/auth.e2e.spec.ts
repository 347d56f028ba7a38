import { JwtIssuer } from '../tools/jwt-issuer.js';
import { GatewayClient } from './support/api.js';
import { SseClient } from './support/sse.js';
import { TestEnvironment, waitFor } from './support/test-system.js';

const ADMIN_TOKEN = 'machine-admin-token-0123456789';

describe('AUTH_MODE=jwt: buyers are who their tokens say', () => {
  let issuer: JwtIssuer;
  let env: TestEnvironment;
  let api: GatewayClient;

  beforeAll(async () => {
    issuer = await JwtIssuer.start();
    env = new TestEnvironment({ ...issuer.gatewayEnv, ADMIN_TOKEN });
    api = await env.startSystem();
  });
  afterAll(async () => {
    await env.destroy();
    await issuer.stop();
  });

  const asBearer = (token: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, ...extra });
  const bookAs = async (token: string, eventId: number, extra: Record<string, string> = {}) =>
    api.request('POST', '/bookings', { body: { eventId, quantity: 1 }, headers: asBearer(token, extra) });

  it('should take the buyer from a verified token’s subject (Auth0’s `auth0|…` form too), RS256 or ES256, and ignore X-User-Id', async () => {
    const event = await api.createEvent(1, 4);
    for (const algorithm of ['ES256', 'RS256'] as const) {
      const reply = await bookAs(await issuer.sign(`auth0|alice-${algorithm}`, { algorithm }), event.id, { 'x-user-id': 'mallory' });
      expect(reply.status).toBe(202);
      const buyerOf = async () => (await env.sql<{ user_id: string }>('SELECT user_id FROM bookings WHERE id = $1', [reply.body.bookingId]))[0]?.user_id;
      await waitFor(async () => (await buyerOf()) !== undefined, 'the booking recorded');
      expect(await buyerOf()).toBe(`auth0|alice-${algorithm}`);
    }
  });

  it('should answer 401 with a Bearer challenge to a missing, expired, foreign, wrong-audience, wrong-issuer or alg-none token', async () => {
    const event = await api.createEvent(1, 1);
    const stranger = await JwtIssuer.start();
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const claims = Buffer.from(JSON.stringify({ sub: 'eve', iss: issuer.issuer, aud: issuer.audience, exp: Math.floor(Date.now() / 1000) + 600 })).toString('base64url');
    const tokens = {
      expired: await issuer.sign('eve', { expiresIn: -60 }),
      foreign: await stranger.sign('eve', { issuer: issuer.issuer, audience: issuer.audience }),
      wrongAudience: await issuer.sign('eve', { audience: 'someone-else' }),
      wrongIssuer: await issuer.sign('eve', { issuer: 'https://evil.example' }),
      algNone: `${header}.${claims}.`,
    };
    await stranger.stop();
    const missing = await api.request('POST', '/bookings', { body: { eventId: event.id, quantity: 1 }, headers: { 'x-user-id': 'eve' } });
    for (const reply of [missing, ...(await Promise.all(Object.values(tokens).map((token) => bookAs(token, event.id))))]) {
      expect(reply.status).toBe(401);
      expect(reply.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    }
    expect(await env.sql('SELECT 1 FROM bookings WHERE event_id = $1', [event.id])).toEqual([]);
  });

  it('should fetch the key set again for a key it does not know (the provider rotated its keys)', async () => {
    const event = await api.createEvent(1, 2);
    expect((await bookAs(await issuer.sign('before-rotation'), event.id)).status).toBe(202);
    await issuer.addKey('ES256');
    const rotated = await issuer.sign('after-rotation');
    // Within a second of its last fetch the gateway does not fetch again (a flood of unknown kids must not flood the provider).
    await waitFor(async () => (await bookAs(rotated, event.id)).status === 202, 'the new key fetched and the token accepted', 5000);
  });

  it('should let the admin role or the ADMIN_TOKEN create events, and answer 403 to a buyer', async () => {
    const body = { name: 'Admins only', rows: 1, cols: 1 };
    expect((await api.request('POST', '/events', { body, headers: asBearer(await issuer.sign('ops', { admin: true })) })).status).toBe(201);
    expect((await api.request('POST', '/events', { body, headers: asBearer(ADMIN_TOKEN) })).status).toBe(201);
    expect((await api.request('POST', '/events', { body, headers: asBearer(await issuer.sign('fan')) })).status).toBe(403);
    expect((await api.request('POST', '/events', { body })).status).toBe(401);
  });

  it('should let an EventSource follow its queue ticket with ?access_token= (its own ticket, on the stream route only, one way only)', async () => {
    const created = await api.request('POST', '/events', { body: { name: 'Queued', rows: 1, cols: 1, admissionRatePerSecond: 1 }, headers: asBearer(ADMIN_TOKEN) });
    const fan = await issuer.sign('queue-fan');
    const { ticketId } = (await api.request('POST', `/events/${created.body.id}/queue`, { headers: asBearer(fan) })).body;
    const streamUrl = (token: string) => `${api.baseUrl}/queue/${ticketId}/stream?access_token=${encodeURIComponent(token)}`;
    const refusal = async (opened: Promise<SseClient>) => {
      const client = await opened;
      client.close();
      return [client.status, client.response.headers['www-authenticate']];
    };
    const follower = await SseClient.open(streamUrl(fan));
    try {
      expect([follower.status, follower.response.headers['cache-control']]).toEqual([200, expect.stringContaining('private')]);
      const first = await follower.next();
      expect([first.event, first.data.ticketId]).toEqual(['queue', ticketId]);
    } finally {
      follower.close();
    }
    expect(await refusal(SseClient.open(streamUrl(await issuer.sign('queue-stranger'))))).toEqual([403, undefined]);
    expect(await refusal(SseClient.open(streamUrl(await issuer.sign('queue-fan', { expiresIn: -60 }))))).toEqual([401, 'Bearer error="invalid_token"']);
    expect(await refusal(SseClient.open(streamUrl(fan), asBearer(fan)))).toEqual([400, 'Bearer error="invalid_request"']);
    const elsewhere = await api.request('GET', `/queue/${ticketId}?access_token=${encodeURIComponent(fan)}`);
    expect([elsewhere.status, elsewhere.headers.get('www-authenticate')]).toEqual([401, 'Bearer error="invalid_token"']);
  });

  it('should show and cancel a booking for its buyer only: another buyer gets 404, nobody 401', async () => {
    const event = await api.createEvent(1, 1);
    const owner = await issuer.sign('owner');
    const reply = await bookAs(owner, event.id);
    const path = `/bookings/${reply.body.bookingId}`;
    expect((await api.request('GET', path, { headers: asBearer(owner) })).status).toBe(200);
    const intruder = asBearer(await issuer.sign('intruder'));
    expect((await api.request('GET', path, { headers: intruder })).status).toBe(404);
    expect((await api.request('DELETE', path, { headers: intruder })).status).toBe(404);
    expect((await api.request('GET', path)).status).toBe(401);
    expect((await api.request('GET', path, { headers: { 'x-user-id': 'owner' } })).status).toBe(401);
  });
});

import { GatewayClient } from './support/api.js';
import { type RunningApp, TestEnvironment, waitFor } from './support/test-system.js';

describe('structured logs', () => {
  const env = new TestEnvironment({ LOG_LEVEL: 'debug', ADMIN_TOKEN: 'logging-admin-token-123456' });
  let gateway: RunningApp;
  let inventory: RunningApp;
  let api: GatewayClient;

  beforeAll(async () => {
    await env.migrate();
    inventory = await env.start('inventory');
    gateway = await env.start('gateway');
    api = new GatewayClient(gateway.url, env.env.ADMIN_TOKEN);
  });
  afterAll(() => env.destroy());

  const entries = (app: RunningApp) => app.output.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);

  /** An event created with the admin token and one booking by `buyer`, logged by both apps under `requestId`. */
  async function bookAndFollow(buyer: string, requestId: string): Promise<string> {
    const event = await api.createEvent(1, 1);
    const reply = await api.request('POST', '/bookings', { body: { eventId: event.id, quantity: 1 }, headers: { 'x-user-id': buyer, 'x-request-id': requestId } });
    await api.waitForDecision(reply.body.bookingId);
    await waitFor(() => entries(inventory).some((entry) => entry.requestId === requestId), 'the inventory to log the booking');
    return reply.body.bookingId;
  }

  it('should carry one request id through both apps for one booking', async () => {
    const bookingId = await bookAndFollow('alice', 'follow-me-123');
    expect(entries(gateway)).toContainEqual(expect.objectContaining({ requestId: 'follow-me-123', bookingId, msg: 'booking accepted' }));
    expect(entries(inventory)).toContainEqual(expect.objectContaining({ requestId: 'follow-me-123', bookingId }));
  });

  it('should write only JSON lines, without secrets or buyers', async () => {
    await bookAndFollow('carol', 'secrets-and-buyers-456');
    const lines = [...gateway.output, ...inventory.output];
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    const all = lines.join('\n');
    expect(all).not.toContain('logging-admin-token-123456');
    expect(all).not.toContain('"carol"');
  });
});

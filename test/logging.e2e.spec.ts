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

  it('should carry one request id through both apps for one booking', async () => {
    const event = await api.createEvent(1, 1);
    const reply = await api.request('POST', '/bookings', { body: { eventId: event.id, quantity: 1 }, headers: { 'x-user-id': 'alice', 'x-request-id': 'follow-me-123' } });
    await api.waitForDecision(reply.body.bookingId);
    await waitFor(() => entries(inventory).some((entry) => entry.requestId === 'follow-me-123'), 'the inventory to log the booking');
    expect(entries(gateway)).toContainEqual(expect.objectContaining({ requestId: 'follow-me-123', bookingId: reply.body.bookingId, msg: 'booking accepted' }));
    expect(entries(inventory)).toContainEqual(expect.objectContaining({ requestId: 'follow-me-123', bookingId: reply.body.bookingId }));
  });

  it('should write only JSON lines, without secrets or buyers', () => {
    const lines = [...gateway.output, ...inventory.output];
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    const all = lines.join('\n');
    expect(all).not.toContain('logging-admin-token-123456');
    expect(all).not.toContain('"alice"');
  });
});

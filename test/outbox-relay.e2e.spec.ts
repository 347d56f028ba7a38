import { BookingStatusChangedV1, compileSchema, describeSchemaErrors, SeatsReleasedV1 } from '@app/contracts';
import { GatewayClient } from './support/api.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { TestEnvironment, waitFor } from './support/test-system.js';

// The inventory (consumer and outbox relay) reaches RabbitMQ through a proxy this test cuts in the middle of relaying.
// Payments take two seconds (well within their timeout), so that bookings held before the cut are confirmed while
// the broker is away.
describe('outbox relay', () => {
  const env = new TestEnvironment({ PAYMENT_LATENCY_MS: '2000', PAYMENT_TIMEOUT_MS: '10000' });
  let proxy: TcpProxy;
  let api: GatewayClient;
  const received = new Map<string, { type: string; bookingId: string; body: string }>();
  const copiesThatDiffer: string[] = [];
  const offContract: string[] = [];
  const contracts = { statusChanged: compileSchema(BookingStatusChangedV1), seatsReleased: compileSchema(SeatsReleasedV1) };

  beforeAll(async () => {
    await env.migrate();
    proxy = await new TcpProxy(5672).start();
    await env.start('inventory', { RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:${proxy.port}` });
    api = new GatewayClient((await env.start('gateway')).url);
  });
  afterAll(async () => {
    await proxy.cut();
    await env.destroy();
  });

  it('should deliver every event, true to its contract, once per messageId, across a broker drop', async () => {
    // A consumer that dedupes by messageId, as every consumer of these events must.
    const { channel, close } = await env.amqpChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, env.topology.eventsExchange, '#');
    await channel.consume(queue, (message) => {
      if (!message) return;
      const body = message.content.toString();
      const earlier = received.get(message.properties.messageId);
      if (earlier && earlier.body !== body) copiesThatDiffer.push(message.properties.messageId);
      const event = JSON.parse(body);
      const contract = event.type === 'seats.released' ? contracts.seatsReleased : contracts.statusChanged;
      if (!contract(event)) offContract.push(`${event.type}: ${describeSchemaErrors(contract.errors).join('; ')}`);
      received.set(message.properties.messageId, { type: event.type, bookingId: event.bookingId, body });
      channel.ack(message);
    });

    const event = await api.createEvent(5, 10);
    const book = (i: number) => api.book(`buyer-${i}`, { eventId: event.id, seats: [{ row: Math.floor(i / 10) + 1, col: (i % 10) + 1 }] });
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => book(i)));
    await Promise.all(replies.map((reply) => api.waitForDecision(reply.body.bookingId, { until: ['HELD', 'CONFIRMED'], timeoutMs: 15_000 })));
    await proxy.cut();
    // Payments still running: their confirmations are committed with their events, which wait for the broker.
    await waitFor(async () => (await env.sql(`SELECT 1 FROM outbox WHERE event_type = 'booking.confirmed'`)).length > 0, 'confirmations waiting in the outbox');
    for (let i = 20; i < 50; i++) {
      replies.push(await book(i));
      if (i === 30) proxy = await new TcpProxy(5672, proxy.port).start();
    }
    await Promise.all(replies.map((reply) => api.waitForDecision(reply.body.bookingId, { timeoutMs: 25_000 })));
    // A published row is deleted: an empty outbox means every event was confirmed by the broker.
    await waitFor(async () => (await env.sql('SELECT 1 FROM outbox')).length === 0, 'outbox drained', 15_000);
    await waitFor(() => received.size === 2 * replies.length, `${2 * replies.length} distinct events`);
    await close();

    // A crash between confirm and delete may publish an event again: with the same messageId and the same body.
    expect(copiesThatDiffer).toEqual([]);
    expect(offContract).toEqual([]);
    for (const reply of replies) {
      const types = [...received.values()].filter((e) => e.bookingId === reply.body.bookingId).map((e) => e.type).sort();
      expect(types).toEqual(['booking.confirmed', 'booking.held']);
    }
    // Its waits add up to over a minute: a slow step must fail with its own message, not with Jest's timeout.
  }, 90_000);
});

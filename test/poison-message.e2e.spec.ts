import { DEATH_REASON_HEADER } from '@app/messaging';
import { GatewayClient } from './support/api.js';
import { bookingRequest, publishRaw } from './support/messages.js';
import { TestEnvironment, waitFor } from './support/test-system.js';

describe('poison booking messages', () => {
  const env = new TestEnvironment();
  let api: GatewayClient;

  beforeAll(async () => {
    api = await env.startSystem();
  });
  afterAll(() => env.destroy());

  it('should dead-letter bad messages with the reason and keep deciding good ones', async () => {
    const event = await api.createEvent(2, 2);
    const { channel, close } = await env.amqpChannel();
    await publishRaw(channel, env.topology, Buffer.from('{not json'), { messageId: 'malformed' });
    await publishRaw(channel, env.topology, { ...bookingRequest(event.id), eventId: 'seven' }, { messageId: 'contract' });
    await publishRaw(channel, env.topology, bookingRequest(event.id), { messageId: 'unknown-type', type: 'booking.teleported.v1' });
    await publishRaw(channel, env.topology, bookingRequest(987_654), { messageId: 'unknown-event', eventId: 987_654 });

    await waitFor(async () => (await env.queueDepth(env.topology.deadLetterQueue)) === 4, 'four dead letters', 15_000);
    const reasons: Record<string, string> = {};
    for (let i = 0; i < 4; i++) {
      const letter = await channel.get(env.topology.deadLetterQueue, { noAck: true });
      if (letter) reasons[letter.properties.messageId] = String(letter.properties.headers?.[DEATH_REASON_HEADER]);
    }
    await close();
    expect(reasons.malformed).toMatch(/JSON/);
    expect(reasons.contract).toMatch(/eventId must be an integer/);
    expect(reasons['unknown-type']).toMatch(/no handler for message type "booking.teleported.v1"/);
    expect(reasons['unknown-event']).toMatch(/event 987654 does not exist/);

    const reply = await api.book('after-poison', { eventId: event.id, quantity: 2 });
    expect(await api.waitForDecision(reply.body.bookingId)).toMatchObject({ status: 'CONFIRMED' });
    expect(await env.commandsQueued()).toBe(0);
  });
});

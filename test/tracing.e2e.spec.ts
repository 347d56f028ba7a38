import { GatewayClient } from './support/api.js';
import { OtlpReceiver } from './support/otlp-receiver.js';
import { TestEnvironment, waitFor } from './support/test-system.js';

describe('one trace per booking across the broker', () => {
  const receiver = new OtlpReceiver();
  let env: TestEnvironment;
  let api: GatewayClient;

  beforeAll(async () => {
    await receiver.start();
    env = new TestEnvironment({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    api = await env.startSystem();
  });
  afterAll(async () => {
    await env.destroy();
    await receiver.stop();
  });

  it('should link HTTP intake, publish, consume, batch, payment and confirmation', async () => {
    const event = await api.createEvent(1, 1);
    const reply = await api.book('alice', { eventId: event.id, quantity: 1 });
    expect(await api.waitForDecision(reply.body.bookingId)).toMatchObject({ status: 'CONFIRMED' });

    const named = (service: string, name: string) => receiver.spans.find((span) => span.service === service && span.name === name);
    await waitFor(() => named('seatgrid-inventory', 'booking confirmed') !== undefined, 'the spans to be exported', 15_000);
    const intake = named('seatgrid-gateway', 'POST /bookings')!;
    const publish = named('seatgrid-gateway', 'publish booking.requested')!;
    const consume = named('seatgrid-inventory', 'process booking.requested')!;
    const batch = named('seatgrid-inventory', 'decide booking batch')!;
    const payment = named('seatgrid-inventory', 'booking payment')!;
    const charge = named('seatgrid-inventory', 'payment charge')!;
    const confirm = named('seatgrid-inventory', 'booking confirmed')!;

    expect(publish.parentSpanId).toBe(intake.spanId);
    expect(consume.parentSpanId).toBe(publish.spanId);
    expect(batch.parentSpanId).toBe(consume.spanId);
    expect(payment.parentSpanId).toBe(consume.spanId);
    expect(charge.parentSpanId).toBe(payment.spanId);
    expect(confirm.parentSpanId).toBe(consume.spanId);
    expect(new Set([intake, publish, consume, batch, payment, charge, confirm].map((span) => span.traceId)).size).toBe(1);
  });
});

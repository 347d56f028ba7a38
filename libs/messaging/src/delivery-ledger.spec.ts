import type { Channel, ConsumeMessage } from 'amqplib';
import { DeliveryLedger } from './delivery-ledger.js';

const message = (tag: number) => ({ fields: { deliveryTag: tag } }) as unknown as ConsumeMessage;
const tick = () => new Promise((resolve) => setImmediate(resolve));

function ledger() {
  const acks: string[] = [];
  const channel = { ack: (m: ConsumeMessage, all: boolean) => acks.push(`${m.fields.deliveryTag}${all ? '+' : ''}`) } as unknown as Channel;
  return { ledger: new DeliveryLedger(channel), acks };
}

describe(DeliveryLedger.name, () => {
  it('should acknowledge a finished batch with one multiple ack', async () => {
    const { ledger: l, acks } = ledger();
    const open = [1, 2, 3, 4].map((tag) => l.add(message(tag)));
    for (const delivery of open) l.finish(delivery);
    await tick();
    expect(acks).toEqual(['4+']);
    expect(l.size).toBe(0);
  });

  it('should never acknowledge past a delivery that is still being handled', async () => {
    const { ledger: l, acks } = ledger();
    const [first, second, third] = [1, 2, 3].map((tag) => l.add(message(tag)));
    l.finish(second);
    l.finish(third);
    await tick();
    expect(acks).toEqual([]);
    l.finish(first);
    await tick();
    expect(acks).toEqual(['3+']);
  });

  it('should skip deliveries settled on their own (rejected) in the coalesced ack', async () => {
    const { ledger: l, acks } = ledger();
    const [first, second, third] = [1, 2, 3].map((tag) => l.add(message(tag)));
    l.finish(first);
    l.finish(third, false);
    l.finish(second);
    await tick();
    expect(acks).toEqual(['2+']);
  });

  it('should report how long the oldest unsettled delivery has waited', () => {
    const { ledger: l } = ledger();
    expect(l.oldestAgeMs()).toBe(0);
    l.add(message(1));
    expect(l.oldestAgeMs(Date.now() + 5000)).toBeGreaterThanOrEqual(5000);
  });
});

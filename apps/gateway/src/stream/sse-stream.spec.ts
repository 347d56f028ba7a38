import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { MAX_BACKLOG_BYTES, MAX_BURST_BYTES, MAX_STALL_MS, SseStream, sseFrame } from './sse-stream.js';

/** A response whose client takes nothing (`reads` false) or everything, in place of a socket. */
function response(reads: boolean): { raw: ServerResponse; received: Buffer[] } {
  const received: Buffer[] = [];
  const raw = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!reads) return; // never acknowledged: the chunk stays buffered
      received.push(chunk);
      done();
    },
  });
  return { raw: raw as unknown as ServerResponse, received };
}

describe(SseStream.name, () => {
  const frame = (size: number) => sseFrame('seats', 'x'.repeat(size), 1);

  it('should write every frame to a client that keeps up', () => {
    const { raw, received } = response(true);
    const stream = new SseStream('seats', raw, () => undefined);
    for (let i = 0; i < 100; i++) expect(stream.send(frame(64 * 1024))).toBe(true);
    expect(received).toHaveLength(100);
    expect([stream.inspect(Date.now()), stream.inspect(Date.now() + MAX_STALL_MS + 1)]).toEqual([false, false]);
  });

  it('should cut a client that lets more than the burst bound pile up, instead of buffering for it', () => {
    const { raw } = response(false);
    const drops: string[] = [];
    const stream = new SseStream('seats', raw, (_, reason) => drops.push(reason));
    let sent = 0;
    while (stream.send(frame(100_000)) && sent < 1000) sent++;
    expect(drops).toEqual(['backlog']);
    expect(sent * 100_000).toBeLessThan(MAX_BURST_BYTES + 200_000);
    expect([stream.open, raw.destroyed, stream.send(frame(1))]).toEqual([false, true, false]);
  });

  it('should cut a client still behind by more than the backlog bound at the next look, not at the first', () => {
    const { raw } = response(false);
    const drops: string[] = [];
    const stream = new SseStream('seats', raw, (_, reason) => drops.push(reason));
    stream.send(frame(MAX_BACKLOG_BYTES));
    expect([stream.inspect(Date.now()), stream.open]).toEqual([false, true]);
    expect([stream.inspect(Date.now()), drops, stream.open]).toEqual([true, ['backlog'], false]);
  });

  it('should give a client room for one snapshot on top of the bounds', () => {
    const { raw } = response(false);
    const drops: string[] = [];
    const stream = new SseStream('seats', raw, (_, reason) => drops.push(reason));
    expect(stream.send(frame(2 * MAX_BURST_BYTES), { snapshot: true })).toBe(true);
    expect(stream.send(frame(1000))).toBe(true);
    expect([stream.inspect(Date.now()), stream.inspect(Date.now())]).toEqual([false, false]);
    while (stream.send(frame(100_000)));
    expect(drops).toEqual(['backlog']);
  });

  it('should cut a client that has taken nothing for too long, however little is waiting', () => {
    const { raw } = response(false);
    const drops: string[] = [];
    const stream = new SseStream('queue', raw, (_, reason) => drops.push(reason));
    stream.send(frame(20_000));
    expect(stream.inspect(Date.now() + MAX_STALL_MS - 1000)).toBe(false);
    expect(stream.inspect(Date.now() + MAX_STALL_MS + 1)).toBe(true);
    expect([drops, stream.open]).toEqual([['stalled'], false]);
  });
});

import { createEvent, gridFor } from '../api.js';
import { checkEvents } from '../invariants.js';
import { Recorder, closedLoop, connectionPool, send } from '../load.js';
import { UsageMeter } from '../processes.js';
import type { RunResult } from '../result.js';
import type { Context } from './common.js';

/**
 * Seat-map reads, as k6/seat-map.ts: `concurrency` clients read GET /events/{id}/seats back to back for `durationS`;
 * every other request revalidates with If-None-Match when an ETag has been seen. Nothing is booked meanwhile, so a
 * cache can answer everything.
 */
export async function seatMap({ system, options, log }: Context): Promise<RunResult> {
  const grid = gridFor(options.seatMapSeats);
  const eventId = await createEvent(system.gatewayUrl, 'bench seat map', grid);
  const path = `/events/${eventId}/seats`;
  log(`seat-map: ${options.concurrency} clients for ${options.durationS} s reading a ${grid.rows}×${grid.cols} map`);

  const pool = connectionPool(system.gatewayUrl, options.concurrency);
  const first = await send(pool, new Recorder(), { method: 'GET', path });
  const map = first?.status === 200 ? (JSON.parse(first.body) as { seats?: string[] }) : undefined;
  if (map?.seats?.length !== grid.rows) throw new Error(`seat-map setup: GET ${path} answered ${first?.status ?? 'nothing'} without a ${grid.rows}-row map`);

  const counts = { full: 0, cacheHits: 0, revalidations: 0, notModified: 0, bytes: 0 };
  let etag = header(first!.headers.etag);
  const meter = new UsageMeter(() => system.apps());
  let elapsedMs: number;
  const reads = new Recorder();
  try {
    elapsedMs = await closedLoop(options.concurrency, { durationMs: options.durationS * 1000 }, async (i) => {
      const revalidate = i % 2 === 1 && etag !== undefined;
      const reply = await send(pool, reads, { method: 'GET', path, headers: revalidate ? { 'if-none-match': etag! } : {} });
      if (revalidate) counts.revalidations++;
      if (reply?.status === 304) counts.notModified++;
      if (reply?.status !== 200) return;
      counts.full++;
      counts.bytes += reply.body.length;
      if (header(reply.headers['x-cache-status']) === 'HIT') counts.cacheHits++;
      etag = header(reply.headers.etag) ?? etag;
    });
  } finally {
    await pool.close();
  }
  const usage = meter.stop();
  return {
    name: 'seat-map',
    title: 'Cached seat-map reads (gateway)',
    kind: 'scenario',
    parameters: { seats: options.seatMapSeats, concurrency: options.concurrency, durationS: options.durationS },
    http: { reads: reads.summary(elapsedMs) },
    metrics: {
      cacheHitShare: counts.full === 0 ? 0 : counts.cacheHits / counts.full,
      notModifiedShare: counts.revalidations === 0 ? 0 : counts.notModified / counts.revalidations,
      meanBodyBytes: counts.full === 0 ? 0 : Math.round(counts.bytes / counts.full),
    },
    usage,
    checks: await checkEvents(system, [eventId], [], { gatewayUrl: system.gatewayUrl }),
  };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

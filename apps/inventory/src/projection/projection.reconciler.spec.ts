import { jest } from '@jest/globals';
import type { Counter } from 'prom-client';
import { encodeSeatMap, type SeatProjection, type SeatProjectionState, type SeatState, type SeatStateReader } from '@app/seat-map';

// The metrics packages are CommonJS requiring ESM Nest, which Jest's ESM mode cannot load; the spec passes its own
// counter anyway.
jest.unstable_mockModule('@willsoto/nestjs-prometheus', () => ({ InjectMetric: () => () => undefined }));
jest.unstable_mockModule('@app/observability', () => ({ METRIC: { projectionRepairs: 'repairs' } }));
const { ProjectionReconciler } = await import('./projection.reconciler.js');

const GRID = { rows: 2, cols: 2 };
const TRUTH: SeatState = { ...GRID, taken: [{ row: 1, col: 1, status: 'BOOKED' }] };

/** A reconciler over one event whose truth is TRUTH and whose projection is `projected`; records what it reads and writes. */
function reconcilerOver(projected: SeatProjectionState) {
  const loads: number[] = [];
  const replaced: { eventId: number; available: number }[] = [];
  const reader = {
    activeEventIds: async () => [7],
    tallies: async () => new Map([[7, { ...GRID, held: 0, booked: 1 }]]),
    load: async (eventId: number) => (loads.push(eventId), TRUTH),
  } as unknown as SeatStateReader;
  const projection = {
    lockReconcile: async () => true,
    read: async () => projected,
    readCounters: async () => [{ eventId: 7, available: projected.available, version: projected.version }],
    replace: async (eventId: number, _bitmap: Buffer, available: number) => void replaced.push({ eventId, available }),
  } as unknown as SeatProjection;
  const repairs = { inc: () => undefined } as unknown as Counter;
  return { reconciler: new ProjectionReconciler(reader, projection, repairs), loads, replaced };
}

describe(ProjectionReconciler.name, () => {
  it('should read no seats of an event whose projection counts what PostgreSQL counts', async () => {
    const { reconciler, loads, replaced } = reconcilerOver({ bitmap: encodeSeatMap(GRID, TRUTH.taken), available: 3, version: 5 });
    expect(await reconciler.reconcile()).toBe(0);
    expect(loads).toEqual([]);
    expect(replaced).toEqual([]);
  });

  it('should read the seats of an event whose counts differ and rewrite its projection', async () => {
    const { reconciler, loads, replaced } = reconcilerOver({ bitmap: encodeSeatMap(GRID, []), available: 4, version: 5 });
    expect(await reconciler.reconcile()).toBe(1);
    expect(loads).toEqual([7]);
    expect(replaced).toEqual([{ eventId: 7, available: 3 }]);
  });
});

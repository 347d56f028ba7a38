import type { Seat, SeatStatus } from '@app/contracts';
import { type Grid, seatAt, type SeatsChangedNotice, STATUS_OF_CODE } from '@app/seat-map';
import type { SeatMapSnapshot } from '../availability/seat-map.snapshot.js';
import { sseFrame } from './sse-stream.js';

/** `event: snapshot`: the whole seat map at a version (as `GET /events/{id}/seats` answers it), to start from. */
export function snapshotFrame(snapshot: SeatMapSnapshot): Buffer {
  const data = `{"eventId":${snapshot.eventId},"version":${snapshot.version ?? null},"seatMap":${snapshot.body}}`;
  return sseFrame('snapshot', data, snapshot.version);
}

/** `event: seats`: one change batch of the inventory, the seats by row and column; undefined for a reset. */
export function batchFrame(notice: SeatsChangedNotice, grid: Grid): Buffer | undefined {
  if (notice.seats === undefined || notice.status === undefined) return undefined;
  const status: SeatStatus = STATUS_OF_CODE[notice.status];
  const seats = grid.rows * grid.cols;
  const changes: (Seat & { status: SeatStatus })[] = [];
  for (const index of notice.seats) if (index < seats) changes.push({ ...seatAt(grid, index), status });
  return sseFrame('seats', JSON.stringify({ version: notice.version, available: notice.available, changes }), notice.version);
}

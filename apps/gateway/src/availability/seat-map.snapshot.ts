import { createHash } from 'node:crypto';
import { type SeatMapView, SEAT_MAP_LEGEND } from '@app/contracts';
import { countSeats, type Grid, seatMapRows } from '@app/redis';

/** One version of an event's seat map as the gateway holds it, with its JSON form and ETag computed once. */
export class SeatMapSnapshot {
  private json?: string;
  readonly etag: string;

  constructor(
    readonly eventId: number,
    readonly grid: Grid,
    readonly bitmap: Buffer,
    /** The projection's version; undefined when read straight from PostgreSQL (Redis down). */
    readonly version: number | undefined,
    public fetchedAt = Date.now(),
  ) {
    const tag = version ?? `h${createHash('sha1').update(bitmap).digest('hex').slice(0, 12)}`;
    this.etag = `"${eventId}-${tag}"`;
  }

  /** A newer version exists: readers must not be served this copy any more (seat checks may still use it). */
  expire(): void {
    this.fetchedAt = 0;
  }

  get view(): SeatMapView {
    return { eventId: this.eventId, rows: this.grid.rows, cols: this.grid.cols, legend: SEAT_MAP_LEGEND, seats: seatMapRows(this.grid, this.bitmap) };
  }

  /** Serialised once per version: thousands of readers of a hot event share one string. */
  get body(): string {
    return (this.json ??= JSON.stringify(this.view));
  }

  counts() {
    return countSeats(this.grid, this.bitmap);
  }
}

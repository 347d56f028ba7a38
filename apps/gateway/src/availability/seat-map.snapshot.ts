import { createHash } from 'node:crypto';
import { type SeatCounts, type SeatMapView, SEAT_MAP_LEGEND } from '@app/contracts';
import { countSeats, type Grid, seatMapRows, type SeatsChangedNotice, setSeatCode } from '@app/seat-map';

/**
 * One event's seat map as the gateway holds it. Its JSON body, counts and ETag are computed once per version and
 * shared by every reader; the next version's notice patches the bitmap in place.
 */
export class SeatMapSnapshot {
  private json?: string;
  private counted?: SeatCounts;
  private tag?: string;

  constructor(
    readonly eventId: number,
    readonly grid: Grid,
    readonly bitmap: Buffer,
    /** The projection's version; undefined when read straight from PostgreSQL (Redis down). */
    private current: number | undefined,
    public fetchedAt = Date.now(),
  ) {}

  get version(): number | undefined {
    return this.current;
  }

  get etag(): string {
    return (this.tag ??= `"${this.eventId}-${this.current ?? `h${createHash('sha1').update(this.bitmap).digest('hex').slice(0, 12)}`}"`);
  }

  /** A newer version exists: readers must not be served this copy any more (seat checks may still use it). */
  expire(): void {
    this.fetchedAt = 0;
  }

  /** Applies the very next version's seat changes in place; false when the notice is not that (a gap, or a reset). */
  patch(notice: SeatsChangedNotice): boolean {
    if (this.current === undefined || notice.version !== this.current + 1 || notice.seats === undefined || notice.status === undefined) return false;
    const seats = this.grid.rows * this.grid.cols;
    for (const index of notice.seats) if (index < seats) setSeatCode(this.bitmap, index, notice.status);
    this.current = notice.version;
    this.json = this.counted = this.tag = undefined;
    return true;
  }

  get view(): SeatMapView {
    return { eventId: this.eventId, rows: this.grid.rows, cols: this.grid.cols, legend: SEAT_MAP_LEGEND, seats: seatMapRows(this.grid, this.bitmap) };
  }

  /** Serialised once per version: thousands of readers of a hot event share one string. */
  get body(): string {
    return (this.json ??= JSON.stringify(this.view));
  }

  counts(): SeatCounts {
    return (this.counted ??= countSeats(this.grid, this.bitmap));
  }
}

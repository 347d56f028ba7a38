import type { Seat } from '@app/contracts';
import type { Grid } from '@app/seat-map';

export type Allocation = { seats: Seat[] } | { reason: string };
/** Best-available found no room in the rows it was given, and rows further back were not loaded: load them all. */
export const NEEDS_ALL_ROWS = { needsAllRows: true } as const;

export const seatLabel = (seat: Seat) => `row ${seat.row} col ${seat.col}`;

/**
 * Free seats of one event as the deciding transaction saw them; claims are taken out as bookings are decided,
 * so that the requests of one batch never overlap. PostgreSQL's guarded UPDATE still has the last word.
 * A big event is loaded by its front rows: every free seat of rows 1..`completeThroughRow` (Infinity: of every row),
 * plus any other seats asked for by number; best-available looks only at the complete rows.
 */
export class FreeSeats {
  private readonly byRow = new Map<number, Set<number>>();

  constructor(readonly grid: Grid, seats: Iterable<Seat>, private readonly completeThroughRow = Infinity) {
    for (const { row, col } of seats) this.rowSet(row).add(col);
  }

  get count(): number {
    let total = 0;
    for (const cols of this.byRow.values()) total += cols.size;
    return total;
  }

  isFree(seat: Seat): boolean {
    return this.byRow.get(seat.row)?.has(seat.col) ?? false;
  }

  take(seats: Seat[]): void {
    for (const seat of seats) this.byRow.get(seat.row)?.delete(seat.col);
  }

  /** All of these seats, or the reason why not. */
  allocateExact(seats: Seat[]): Allocation {
    const outside = seats.filter((seat) => seat.row > this.grid.rows || seat.col > this.grid.cols);
    if (outside.length > 0) return { reason: `outside the ${this.grid.rows}x${this.grid.cols} grid: ${outside.map(seatLabel).join(', ')}` };
    const taken = seats.filter((seat) => !this.isFree(seat));
    if (taken.length > 0) return { reason: `seat${taken.length > 1 ? 's' : ''} already taken: ${taken.map(seatLabel).join(', ')}` };
    this.take(seats);
    return { seats };
  }

  /**
   * Best available: `quantity` adjacent seats in the row nearest the front, centred; else the free seats nearest the
   * front centre. Without a run in the complete rows, the answer depends on rows not loaded: NEEDS_ALL_ROWS.
   */
  allocateBest(quantity: number): Allocation | typeof NEEDS_ALL_ROWS {
    const run = this.adjacentRun(quantity);
    if (!run && this.completeThroughRow < this.grid.rows) return NEEDS_ALL_ROWS;
    if (this.count < quantity) return { reason: this.count === 0 ? 'sold out' : `only ${this.count} seats left` };
    const seats = run ?? this.nearestSeats(quantity);
    this.take(seats);
    return { seats };
  }

  private adjacentRun(quantity: number): Seat[] | undefined {
    const centre = (this.grid.cols + 1) / 2;
    const completeRows = [...this.byRow.keys()].filter((row) => row <= this.completeThroughRow);
    for (const row of completeRows.sort((a, b) => a - b)) {
      const free = this.byRow.get(row)!;
      let best: number | undefined;
      let bestOffCentre = Infinity;
      for (const start of [...free].sort((a, b) => a - b)) {
        const offCentre = Math.abs(start + (quantity - 1) / 2 - centre);
        if (offCentre < bestOffCentre && this.runFits(free, start, quantity)) [best, bestOffCentre] = [start, offCentre];
      }
      if (best !== undefined) return Array.from({ length: quantity }, (_, i) => ({ row, col: best! + i }));
    }
    return undefined;
  }

  private runFits(free: Set<number>, start: number, quantity: number): boolean {
    for (let col = start; col < start + quantity; col++) if (!free.has(col)) return false;
    return true;
  }

  private nearestSeats(quantity: number): Seat[] {
    const centre = (this.grid.cols + 1) / 2;
    const all: Seat[] = [];
    for (const [row, cols] of this.byRow) for (const col of cols) all.push({ row, col });
    return all.sort((a, b) => a.row - b.row || Math.abs(a.col - centre) - Math.abs(b.col - centre) || a.col - b.col).slice(0, quantity);
  }

  private rowSet(row: number): Set<number> {
    let cols = this.byRow.get(row);
    if (!cols) this.byRow.set(row, (cols = new Set()));
    return cols;
  }
}

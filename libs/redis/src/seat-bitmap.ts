import type { SeatDto } from '@app/contracts';

/**
 * A seat map as 2 bits a seat (00 available, 01 held, 10 booked), seat (row, col) at index (row-1)·cols + (col-1),
 * most significant bits first — the layout of Redis `BITFIELD … u2 #index`, so both sides read the same bytes.
 */
export const SEAT_CODE = { AVAILABLE: 0, HELD: 1, BOOKED: 2 } as const;
export type SeatCode = (typeof SEAT_CODE)[keyof typeof SEAT_CODE];
const CHAR_OF_CODE = ['A', 'H', 'B', 'A'];

export interface Grid {
  rows: number;
  cols: number;
}

export const seatIndex = (grid: Grid, seat: SeatDto) => (seat.row - 1) * grid.cols + (seat.col - 1);
export const bitmapBytes = (grid: Grid) => Math.ceil((grid.rows * grid.cols) / 4);

export function seatCode(bitmap: Buffer, index: number): SeatCode {
  return ((bitmap[index >> 2] >> (6 - 2 * (index & 3))) & 3) as SeatCode;
}

export function setSeatCode(bitmap: Buffer, index: number, code: SeatCode): void {
  const shift = 6 - 2 * (index & 3);
  bitmap[index >> 2] = (bitmap[index >> 2] & ~(3 << shift)) | (code << shift);
}

/** A full bitmap from the seats that are not available (everything else is). */
export function encodeSeatMap(grid: Grid, taken: { row: number; col: number; status: 'HELD' | 'BOOKED' }[]): Buffer {
  const bitmap = Buffer.alloc(bitmapBytes(grid));
  for (const seat of taken) setSeatCode(bitmap, seatIndex(grid, seat), SEAT_CODE[seat.status]);
  return bitmap;
}

/** One string a row, one character (A, H, B) a seat: the JSON form of the seat map. */
export function seatMapRows(grid: Grid, bitmap: Buffer): string[] {
  const rows: string[] = [];
  for (let row = 0; row < grid.rows; row++) {
    let line = '';
    for (let col = 0; col < grid.cols; col++) line += CHAR_OF_CODE[seatCode(bitmap, row * grid.cols + col)];
    rows.push(line);
  }
  return rows;
}

export function countSeats(grid: Grid, bitmap: Buffer): { available: number; held: number; booked: number } {
  const counts = [0, 0, 0, 0];
  for (let index = 0; index < grid.rows * grid.cols; index++) counts[seatCode(bitmap, index)]++;
  return { available: counts[0] + counts[3], held: counts[1], booked: counts[2] };
}

import type { Seat, SeatStatus } from '@app/contracts';

/**
 * A seat map as 2 bits a seat (00 available, 01 held, 10 booked), seat (row, col) at index (row-1)·cols + (col-1),
 * most significant bits first — the layout of Redis `BITFIELD … u2 #index`, so both sides read the same bytes.
 */
export const SEAT_CODE = { AVAILABLE: 0, HELD: 1, BOOKED: 2 } as const satisfies Record<SeatStatus, number>;
export type SeatCode = (typeof SEAT_CODE)[keyof typeof SEAT_CODE];
export const STATUS_OF_CODE: readonly SeatStatus[] = ['AVAILABLE', 'HELD', 'BOOKED', 'AVAILABLE'];
const CHAR_OF_CODE = 'AHBA';

export interface Grid {
  rows: number;
  cols: number;
}

export const seatIndex = (grid: Grid, seat: Seat) => (seat.row - 1) * grid.cols + (seat.col - 1);
export const seatAt = (grid: Grid, index: number): Seat => ({ row: Math.floor(index / grid.cols) + 1, col: (index % grid.cols) + 1 });
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

/** Per byte value: its four seats as four ASCII letters (one 32-bit word), and how many of each code it holds. */
const LETTERS_OF_BYTE = new Uint32Array(256);
const CODES_OF_BYTE: [number, number, number][] = [];
for (let byte = 0; byte < 256; byte++) {
  const counts: [number, number, number] = [0, 0, 0];
  for (let seat = 0; seat < 4; seat++) {
    const code = (byte >> (6 - 2 * seat)) & 3;
    LETTERS_OF_BYTE[byte] = (LETTERS_OF_BYTE[byte] << 8) | CHAR_OF_CODE.charCodeAt(code);
    counts[code === 3 ? 0 : code]++;
  }
  LETTERS_OF_BYTE[byte] >>>= 0;
  CODES_OF_BYTE.push(counts);
}

/** One string a row, one letter (A, H, B) a seat: the JSON form of the seat map. A table lookup a byte: 1M seats in a few ms. */
export function seatMapRows(grid: Grid, bitmap: Buffer): string[] {
  const letters = Buffer.allocUnsafe(bitmap.length * 4);
  for (let i = 0; i < bitmap.length; i++) letters.writeUInt32BE(LETTERS_OF_BYTE[bitmap[i]], i * 4);
  const rows: string[] = new Array(grid.rows);
  for (let row = 0; row < grid.rows; row++) rows[row] = letters.toString('latin1', row * grid.cols, (row + 1) * grid.cols);
  return rows;
}

export function countSeats(grid: Grid, bitmap: Buffer): { available: number; held: number; booked: number } {
  let [available, held, booked] = [0, 0, 0];
  for (let i = 0; i < bitmap.length; i++) {
    const [a, h, b] = CODES_OF_BYTE[bitmap[i]];
    available += a;
    held += h;
    booked += b;
  }
  // The last byte's unused seats read as available.
  return { available: available - (bitmap.length * 4 - grid.rows * grid.cols), held, booked };
}

import { bitmapBytes, countSeats, encodeSeatMap, SEAT_CODE, seatCode, seatIndex, seatMapRows, setSeatCode } from './seat-bitmap.js';

describe('seat bitmap', () => {
  const grid = { rows: 3, cols: 5 };

  it('should pack four seats a byte, most significant bits first', () => {
    const bitmap = Buffer.alloc(bitmapBytes(grid));
    setSeatCode(bitmap, 0, SEAT_CODE.BOOKED);
    setSeatCode(bitmap, 3, SEAT_CODE.HELD);
    expect(bitmap[0]).toBe(0b10_00_00_01);
    expect(bitmapBytes(grid)).toBe(4);
  });

  it('should round-trip seats through the bitmap and the row strings', () => {
    const bitmap = encodeSeatMap(grid, [{ row: 1, col: 1, status: 'BOOKED' }, { row: 2, col: 5, status: 'HELD' }, { row: 3, col: 3, status: 'BOOKED' }]);
    expect(seatMapRows(grid, bitmap)).toEqual(['BAAAA', 'AAAAH', 'AABAA']);
    expect(seatCode(bitmap, seatIndex(grid, { row: 2, col: 5 }))).toBe(SEAT_CODE.HELD);
    expect(countSeats(grid, bitmap)).toEqual({ available: 12, held: 1, booked: 2 });
  });

  it('should overwrite a seat in place', () => {
    const bitmap = encodeSeatMap(grid, [{ row: 1, col: 2, status: 'HELD' }]);
    setSeatCode(bitmap, seatIndex(grid, { row: 1, col: 2 }), SEAT_CODE.AVAILABLE);
    expect(seatMapRows(grid, bitmap)[0]).toBe('AAAAA');
  });
});

import { FreeSeats, NEEDS_ALL_ROWS } from './seat-allocator.js';

const allSeats = (rows: number, cols: number) =>
  Array.from({ length: rows * cols }, (_, i) => ({ row: Math.floor(i / cols) + 1, col: (i % cols) + 1 }));

describe(FreeSeats.name, () => {
  it('should give adjacent seats in the front row, centred', () => {
    const free = new FreeSeats({ rows: 3, cols: 10 }, allSeats(3, 10));
    expect(free.allocateBest(4)).toEqual({ seats: [4, 5, 6, 7].map((col) => ({ row: 1, col })) });
  });

  it('should move back a row when the front row has no run long enough', () => {
    const seats = allSeats(2, 5).filter((seat) => !(seat.row === 1 && seat.col === 3));
    const free = new FreeSeats({ rows: 2, cols: 5 }, seats);
    expect(free.allocateBest(3)).toEqual({ seats: [2, 3, 4].map((col) => ({ row: 2, col })) });
  });

  it('should fall back to any seats nearest the front centre when no row has room', () => {
    const seats = [{ row: 1, col: 1 }, { row: 1, col: 3 }, { row: 2, col: 2 }];
    const free = new FreeSeats({ rows: 2, cols: 3 }, seats);
    expect(free.allocateBest(2)).toEqual({ seats: [{ row: 1, col: 1 }, { row: 1, col: 3 }] });
  });

  it('should never hand out the same seat twice', () => {
    const free = new FreeSeats({ rows: 4, cols: 5 }, allSeats(4, 5));
    const outcomes = [3, 2, 5, 1, 4, 3, 2, 1].map((quantity) => free.allocateBest(quantity));
    const given = outcomes.flatMap((outcome) => ('seats' in outcome ? outcome.seats.map((seat) => `${seat.row}:${seat.col}`) : []));
    expect(new Set(given).size).toBe(20);
    expect(given).toHaveLength(20);
    expect(outcomes.at(-1)).toEqual({ reason: 'sold out' });
    expect(free.count).toBe(0);
  });

  it('should say how many seats are left when too few remain', () => {
    const free = new FreeSeats({ rows: 1, cols: 3 }, allSeats(1, 2));
    expect(free.allocateBest(3)).toEqual({ reason: 'only 2 seats left' });
  });

  it('should refuse exact seats that are taken, naming them', () => {
    const free = new FreeSeats({ rows: 2, cols: 2 }, allSeats(2, 2));
    free.allocateExact([{ row: 1, col: 1 }]);
    expect(free.allocateExact([{ row: 1, col: 1 }, { row: 2, col: 2 }])).toEqual({ reason: 'seat already taken: row 1 col 1' });
    expect(free.isFree({ row: 2, col: 2 })).toBe(true);
  });

  it('should refuse seats outside the grid', () => {
    const free = new FreeSeats({ rows: 2, cols: 2 }, allSeats(2, 2));
    expect(free.allocateExact([{ row: 3, col: 1 }])).toEqual({ reason: 'outside the 2x2 grid: row 3 col 1' });
  });

  it('should serve best-available from the front rows it was given when they have room', () => {
    const free = new FreeSeats({ rows: 100, cols: 10 }, allSeats(2, 10), 2);
    expect(free.allocateBest(4)).toEqual({ seats: [4, 5, 6, 7].map((col) => ({ row: 1, col })) });
  });

  it('should ask for every row when the front rows it was given have no run, rather than fall back early or say sold out', () => {
    const scattered = allSeats(2, 10).filter((seat) => seat.col % 2 === 1);
    const free = new FreeSeats({ rows: 100, cols: 10 }, scattered, 2);
    expect(free.allocateBest(3)).toBe(NEEDS_ALL_ROWS);
    expect(new FreeSeats({ rows: 100, cols: 10 }, [], 0).allocateBest(1)).toBe(NEEDS_ALL_ROWS);
    expect(free.count).toBe(10);
  });

  it('should not put best-available into a row it holds only the asked-for seats of', () => {
    const askedFurtherBack = [{ row: 9, col: 1 }, { row: 9, col: 2 }];
    const free = new FreeSeats({ rows: 100, cols: 10 }, [{ row: 1, col: 1 }, ...askedFurtherBack], 1);
    expect(free.allocateBest(2)).toBe(NEEDS_ALL_ROWS);
    expect(free.allocateExact(askedFurtherBack)).toEqual({ seats: askedFurtherBack });
  });
});

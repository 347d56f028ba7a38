import { PendingDemand } from './pending-demand.js';

describe(PendingDemand.name, () => {
  it('should count the seats of undecided bookings per event, and forget a booking once decided', () => {
    const demand = new PendingDemand();
    demand.add('a', 1, 'ann', 2);
    demand.add('b', 1, 'bob', 1, [4]);
    demand.add('c', 2, 'ann', 3);
    expect([demand.seatsPending(1), demand.seatsPending(2), demand.totalSeats]).toEqual([3, 3, 6]);
    demand.settle('a');
    demand.settle('a');
    expect([demand.seatsPending(1), demand.totalSeats]).toEqual([1, 4]);
  });

  it('should know which named seats an undecided booking claims', () => {
    const demand = new PendingDemand();
    demand.add('a', 1, 'ann', 2, [3, 4]);
    expect([demand.isClaimed(1, 3), demand.isClaimed(1, 5), demand.isClaimed(2, 3)]).toEqual([true, false, false]);
    demand.settle('a');
    expect(demand.isClaimed(1, 3)).toBe(false);
  });

  it('should forget demand older than a cutoff, oldest first, so that a lost notice cannot refuse buyers for long', () => {
    const demand = new PendingDemand();
    demand.add('old', 1, 'ann', 2, [1]);
    const cutoff = Date.now() + 1;
    expect(demand.expireBefore(cutoff)).toBe(1);
    expect([demand.seatsPending(1), demand.isClaimed(1, 1)]).toEqual([0, false]);
  });

  it('should count a booking once however often it is added', () => {
    const demand = new PendingDemand();
    demand.add('a', 1, 'ann', 2);
    demand.add('a', 1, 'ann', 2);
    expect(demand.seatsPending(1)).toBe(2);
    expect([demand.seatsPendingFor(1, 'ann'), demand.seatsPendingFor(1, 'bob')]).toEqual([2, 0]);
  });
});

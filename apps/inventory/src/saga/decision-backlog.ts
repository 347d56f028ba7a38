import { Injectable } from '@nestjs/common';

/**
 * Booking requests waiting for their decision. Payments give way to them: a buyer first wants to know whether they
 * got the seats, and on two cores a payment step running meanwhile slows every decision down. Never for long, so that
 * holds do not run out while a backlog lasts.
 */
@Injectable()
export class DecisionBacklog {
  private waiting = 0;
  private readonly cleared: (() => void)[] = [];

  set(waiting: number): void {
    this.waiting = waiting;
    if (waiting === 0) for (const resolve of this.cleared.splice(0)) resolve();
  }

  /** Resolves when no decision waits, or after `maxWaitMs` at most. */
  clear(maxWaitMs: number): Promise<void> {
    if (this.waiting === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, maxWaitMs);
      this.cleared.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

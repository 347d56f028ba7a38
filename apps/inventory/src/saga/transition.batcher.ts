import { Injectable } from '@nestjs/common';
import type { StoredBooking } from '../booking/stored-booking.js';
import { SagaRepository, type Transition } from './saga.repository.js';

interface Pending {
  bookingId: string;
  transition: Transition;
  resolve: (changed: StoredBooking | undefined) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for saga transitions: payment results that arrive while a transaction runs are applied together in
 * the next one, so a burst of confirmations costs a few commits instead of one each.
 */
@Injectable()
export class TransitionBatcher {
  private waiting: Pending[] = [];
  private running = false;

  constructor(private readonly repository: SagaRepository) {}

  /** Resolves with the booking as changed, or undefined when it had already left the transition's `from` states. */
  apply(bookingId: string, transition: Transition): Promise<StoredBooking | undefined> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ bookingId, transition, resolve, reject });
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting;
        this.waiting = [];
        await this.commit(batch);
      }
    } finally {
      this.running = false;
    }
  }

  private async commit(batch: Pending[]): Promise<void> {
    const groups = new Map<Transition, string[]>();
    for (const { bookingId, transition } of batch) groups.set(transition, [...(groups.get(transition) ?? []), bookingId]);
    try {
      const changed = new Map((await this.repository.transitionAll([...groups])).map((booking) => [booking.bookingId, booking]));
      for (const pending of batch) pending.resolve(changed.get(pending.bookingId));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }
}

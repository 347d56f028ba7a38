import { Injectable } from '@nestjs/common';
import type { BookingKey, BookingRecord, Transition } from '@app/booking';
import { BatchWindow } from '@app/common';
import { SagaRepository } from './saga.repository.js';

interface Pending {
  booking: BookingKey;
  transition: Transition;
  resolve: (changed: BookingRecord | undefined) => void;
  reject: (error: unknown) => void;
}

/** Payment results this close together share a transaction: invisible next to the payment's own latency. */
const GATHER_MS = 5;
const MAX_BATCH = 500;

/**
 * Group commit for saga transitions: payment results that arrive within a few milliseconds are applied together in
 * one transaction, so a burst of confirmations costs a few commits instead of one each.
 */
@Injectable()
export class TransitionBatcher {
  private readonly window = new BatchWindow<Pending>(MAX_BATCH, (_, batch) => void this.commit(batch), GATHER_MS);

  constructor(private readonly repository: SagaRepository) {}

  /** Resolves with the booking as changed, or undefined when it had already left the transition's `from` states. */
  apply(booking: BookingKey, transition: Transition): Promise<BookingRecord | undefined> {
    return new Promise((resolve, reject) => this.window.add('transitions', { booking, transition, resolve, reject }));
  }

  private async commit(batch: Pending[]): Promise<void> {
    const groups = new Map<Transition, BookingKey[]>();
    for (const { booking, transition } of batch) groups.set(transition, [...(groups.get(transition) ?? []), booking]);
    try {
      const changed = new Map((await this.repository.transitionAll([...groups])).map((booking) => [booking.bookingId, booking]));
      for (const pending of batch) pending.resolve(changed.get(pending.booking.bookingId));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }
}

import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { PeriodicTask } from '@app/common';
import { AppConfig } from '@app/config';
import type { Seat } from '@app/contracts';
import { type FlushOutcome, METRIC } from '@app/observability';
import { type Grid, seatAt, seatIndex } from '@app/seat-map';
import type { EventRow } from '../catalog/event-row.js';
import { type DemandBatch, DemandSink } from './demand-sink.js';

interface EventDemand {
  grid: Grid;
  attempts: number;
  seatMapReads: number;
  /** Attempts by seat index. */
  seats: Map<number, number>;
}

const MINUTE_MS = 60_000;
/** Distinct events kept while the sink refuses writes; beyond that, the counts of a failed flush are dropped. */
const MAX_EVENTS_KEPT = 10_000;

/**
 * Seat demand, counted in this gateway's memory on the hot path (map increments, no I/O) and added to the sink every
 * INSIGHTS_FLUSH_MS in the background. A crash loses the counts of one flush interval at most; a failed flush keeps
 * its counts for the next one.
 */
@Injectable()
export class SeatDemand implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private counts = new Map<number, EventDemand>();
  private gatheringSince = Date.now();
  private readonly task: PeriodicTask;

  constructor(config: AppConfig, private readonly sink: DemandSink, @InjectMetric(METRIC.demandFlushes) private readonly flushes: Counter<'outcome'>) {
    this.task = new PeriodicTask(SeatDemand.name, config.insights.flushMs, () => this.flush());
  }

  onApplicationBootstrap(): void {
    for (const outcome of ['ok', 'failed'] satisfies FlushOutcome[]) this.flushes.inc({ outcome }, 0);
    this.task.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task.stop();
    await this.flush().catch(() => undefined);
    await this.sink.close();
  }

  /** A booking attempt, whatever its answer; `seats` when it named them. */
  attempted(event: EventRow, seats: readonly Seat[] | undefined): void {
    const demand = this.of(event);
    demand.attempts++;
    if (!seats) return;
    for (const seat of seats) {
      const index = seatIndex(event, seat);
      demand.seats.set(index, (demand.seats.get(index) ?? 0) + 1);
    }
  }

  seatMapRead(event: EventRow): void {
    this.of(event).seatMapReads++;
  }

  async flush(): Promise<void> {
    if (this.counts.size === 0) return;
    const counts = this.counts;
    const batch = toBatch(counts, new Date(Math.floor(this.gatheringSince / MINUTE_MS) * MINUTE_MS));
    this.counts = new Map();
    this.gatheringSince = Date.now();
    try {
      await this.sink.record(batch);
      this.flushes.inc({ outcome: 'ok' });
    } catch (error) {
      this.flushes.inc({ outcome: 'failed' });
      this.keep(counts);
      throw error;
    }
  }

  private of(event: EventRow): EventDemand {
    let demand = this.counts.get(event.id);
    if (!demand) this.counts.set(event.id, (demand = { grid: event, attempts: 0, seatMapReads: 0, seats: new Map() }));
    return demand;
  }

  /** Puts the counts of a failed flush back, to be written with the next one. */
  private keep(failed: Map<number, EventDemand>): void {
    for (const [eventId, old] of failed) {
      const demand = this.counts.get(eventId);
      if (!demand) {
        if (this.counts.size < MAX_EVENTS_KEPT) this.counts.set(eventId, old);
        continue;
      }
      demand.attempts += old.attempts;
      demand.seatMapReads += old.seatMapReads;
      for (const [index, attempts] of old.seats) demand.seats.set(index, (demand.seats.get(index) ?? 0) + attempts);
    }
  }
}

function toBatch(counts: Map<number, EventDemand>, minute: Date): DemandBatch {
  const events = [...counts].map(([eventId, { grid, attempts, seatMapReads, seats }]) => ({
    eventId,
    attempts,
    seatMapReads,
    seats: [...seats].map(([index, seatAttempts]) => ({ ...seatAt(grid, index), attempts: seatAttempts })),
  }));
  return { minute, events };
}

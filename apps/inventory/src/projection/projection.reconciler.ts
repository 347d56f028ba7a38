import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { PeriodicTask } from '@app/common';
import { METRIC } from '@app/observability';
import { countSeats, encodeSeatMap, SeatProjection, type SeatProjectionState, SeatStateReader, type SeatTally } from '@app/seat-map';

const RECONCILE_EVERY_MS = 2000;
/** Events with seat changes (or created) this recently count as on sale. */
const ACTIVE_WINDOW_SECONDS = 3600;
const MAX_EVENTS = 200;

/**
 * Compares the Redis seat projections of events on sale with PostgreSQL and rewrites any that drifted (a lost
 * write-through, Redis restarted empty…). One replica at a time, by a Redis lock; an event changing meanwhile is
 * left for the next round rather than overwritten with an older truth. A round first compares counts (seats held and
 * booked, counted inside PostgreSQL, against the projection's bitmap) and reads an event's seats only when they
 * differ: rereading every seat of every event on sale every two seconds cost more than deciding the sale.
 */
@Injectable()
export class ProjectionReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ProjectionReconciler.name);
  private readonly task = new PeriodicTask(ProjectionReconciler.name, RECONCILE_EVERY_MS, () => this.reconcile());

  constructor(
    private readonly reader: SeatStateReader,
    private readonly projection: SeatProjection,
    @InjectMetric(METRIC.projectionRepairs) private readonly repairs: Counter,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** One round over the events on sale; answers how many projections it repaired. */
  async reconcile(): Promise<number> {
    if (!(await this.projection.lockReconcile(RECONCILE_EVERY_MS))) return 0;
    let repaired = 0;
    const tallies = await this.reader.tallies(await this.reader.activeEventIds(ACTIVE_WINDOW_SECONDS, MAX_EVENTS));
    for (const [eventId, tally] of tallies) {
      if (await this.repair(eventId, tally)) repaired++;
    }
    if (repaired > 0) this.logger.warn(`repaired ${repaired} drifted seat projections`);
    return repaired;
  }

  private async repair(eventId: number, tally: SeatTally): Promise<boolean> {
    const before = await this.projection.read(eventId);
    if (before && agrees(before, tally)) return false;
    const state = await this.reader.load(eventId);
    if (!state) return false;
    const bitmap = encodeSeatMap(state, state.taken);
    const { available } = countSeats(state, bitmap);
    if (before && before.available === available && before.bitmap.equals(bitmap)) return false;
    const [latest] = await this.projection.readCounters([eventId]);
    if (before && latest && latest.version !== before.version) return false; // changing right now: next round
    await this.projection.replace(eventId, bitmap, available);
    this.repairs.inc();
    return true;
  }
}

/** The projection counts what PostgreSQL counts: as many seats held, booked and available. */
function agrees(projection: SeatProjectionState, tally: SeatTally): boolean {
  const counted = countSeats(tally, projection.bitmap);
  const available = tally.rows * tally.cols - tally.held - tally.booked;
  return counted.held === tally.held && counted.booked === tally.booked && counted.available === available && projection.available === available;
}

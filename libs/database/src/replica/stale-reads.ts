import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import type { DataSource } from 'typeorm';
import { DeferredCounter, METRIC, type ReadTarget } from '@app/observability';
import { isTransientDatabaseError } from '../database-errors.js';
import { READS } from '../database.options.js';
import { ReplicaMonitor } from './replica.monitor.js';

/**
 * Reads that tolerate a little staleness (seat-map rebuilds, event details and stats, final booking views,
 * insights): served by the read replica while it is close enough behind, else — or when a replica read fails — by the
 * primary's cold-read pool. Whatever decides, or must read its own write, uses the primary directly.
 */
@Injectable()
export class StaleReads {
  private readonly served: DeferredCounter<'served_by'>;

  constructor(
    private readonly replica: ReplicaMonitor,
    @InjectDataSource(READS) private readonly primary: DataSource,
    @InjectMetric(METRIC.staleReads) served: Counter<'served_by'>,
  ) {
    this.served = DeferredCounter.of(served);
  }

  /**
   * The rows of a SELECT, like `DataSource.query`. `settled` may turn down what the replica answered — rows that a
   * write it has not replayed yet could change or create — and the primary answers instead.
   */
  async query<T = any>(sql: string, params: unknown[] = [], settled: (rows: T) => boolean = () => true): Promise<T> {
    const rows = await this.fromReplica<T>(sql, params);
    if (rows !== undefined && settled(rows)) {
      this.count('replica');
      return rows;
    }
    this.count('primary');
    return this.primary.query(sql, params);
  }

  private async fromReplica<T>(sql: string, params: unknown[]): Promise<T | undefined> {
    const pool = this.replica.usable;
    if (!pool) return undefined;
    try {
      return (await pool.query(sql, params)).rows as T;
    } catch (error) {
      if (!isTransientDatabaseError(error)) throw error;
      this.replica.markDown(error as Error);
      return undefined;
    }
  }

  private count(target: ReadTarget): void {
    this.served.inc(target, () => ({ served_by: target }));
  }
}

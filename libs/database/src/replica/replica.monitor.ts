import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import pg from 'pg';
import type { Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';
import { PeriodicTask } from '@app/common';
import { AppConfig } from '@app/config';
import { METRIC, type ReplicaHealth, type ReplicaState } from '@app/observability';
import { READS } from '../database.options.js';

const MEASURE_EVERY_MS = 1000;
/** A replica that does not answer this fast counts as unreachable: its reads would only wait before the primary answers. */
const CONNECT_TIMEOUT_MS = 1000;

/**
 * On the replica: 0 when it has replayed at least the primary's WAL position read just before (an idle primary writes
 * no transactions, so the replay timestamp alone would age for nothing); otherwise the age of the last transaction
 * it replayed. NULL when it is not replaying (promoted) or cannot tell yet. Without the primary's position (primary
 * unreachable) the replica compares with what it has received.
 */
const LAG_SQL = `
  SELECT CASE WHEN NOT pg_is_in_recovery() THEN NULL
              WHEN pg_last_wal_replay_lsn() >= coalesce($1::pg_lsn, pg_last_wal_receive_lsn()) THEN 0
              ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END::float8 AS lag`;

/**
 * Watches the streaming replica of DATABASE_REPLICA_URL: measures its lag every second (exported as a metric) and
 * says whether reads may go there now — only while it answers and is at most DATABASE_REPLICA_MAX_LAG_SECONDS
 * behind. Its pool is plain `pg` rather than a TypeORM DataSource, which refuses to start while its server is down.
 */
@Injectable()
export class ReplicaMonitor implements ReplicaHealth, OnApplicationBootstrap, OnApplicationShutdown {
  /** The reads' pool, and a connection of its own for the measure, so that a busy pool cannot delay it. */
  private readonly pool?: pg.Pool;
  private readonly probe?: pg.Pool;
  private readonly maxLagSeconds: number;
  private state: ReplicaState;
  private readonly task = new PeriodicTask(ReplicaMonitor.name, MEASURE_EVERY_MS, () => this.measure());

  constructor(config: AppConfig, @InjectDataSource(READS) private readonly primary: DataSource, @InjectMetric(METRIC.replicaLag) private readonly lag: Gauge) {
    const { replicaUrl, readPoolSize, replicaMaxLagSeconds } = config.database;
    this.maxLagSeconds = replicaMaxLagSeconds;
    this.state = replicaUrl ? { status: 'degraded', message: 'not measured yet' } : { status: 'not configured' };
    if (!replicaUrl) return;
    this.pool = replicaPool(replicaUrl, readPoolSize, 'seatgrid-stale-reads');
    this.probe = replicaPool(replicaUrl, 1, 'seatgrid-replica-monitor');
  }

  get replicaState(): ReplicaState {
    return this.state;
  }

  /** The replica's pool while reads may go there, else undefined (the primary answers). */
  get usable(): pg.Pool | undefined {
    return this.state.status === 'up' ? this.pool : undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.pool) return;
    await this.measure();
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
    await Promise.all([this.pool?.end(), this.probe?.end()]);
  }

  /** A read failed on the replica: bypass it until the next measure finds it answering again. */
  markDown(error: Error): void {
    this.state = { status: 'degraded', message: `unreachable: ${error.message}` };
    this.lag.set(NaN);
  }

  async measure(): Promise<void> {
    if (!this.probe) return;
    const primaryLsn = await this.primary.query('SELECT pg_current_wal_lsn()::text AS lsn').then(([row]: { lsn: string }[]) => row.lsn, () => null);
    try {
      const { rows } = await this.probe.query<{ lag: number | null }>(LAG_SQL, [primaryLsn]);
      this.record(rows[0].lag);
    } catch (error) {
      this.markDown(error as Error);
    }
  }

  private record(lagSeconds: number | null): void {
    this.lag.set(lagSeconds ?? NaN);
    if (lagSeconds === null) this.state = { status: 'degraded', message: 'not replaying, or its lag is not known yet' };
    else if (lagSeconds > this.maxLagSeconds) this.state = { status: 'degraded', lagSeconds, message: `${lagSeconds.toFixed(1)} s behind (limit ${this.maxLagSeconds} s)` };
    else this.state = { status: 'up', lagSeconds };
  }
}

function replicaPool(connectionString: string, max: number, applicationName: string): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: applicationName });
  pool.on('error', () => undefined); // an idle connection dropped by a stopped replica: the next measure notices
  return pool;
}

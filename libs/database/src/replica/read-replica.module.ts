import { Module } from '@nestjs/common';
import { ReplicaHealth } from '@app/observability';
import { ReplicaMonitor } from './replica.monitor.js';
import { StaleReads } from './stale-reads.js';

/**
 * {@link StaleReads} and the watch on the read replica, for an app that has the cold-read pool
 * (`DatabaseModule.forRoot({ reads: true })`); also tells readiness how the replica stands.
 */
@Module({
  providers: [ReplicaMonitor, StaleReads, { provide: ReplicaHealth, useExisting: ReplicaMonitor }],
  exports: [StaleReads, ReplicaHealth],
})
export class ReadReplicaModule {}

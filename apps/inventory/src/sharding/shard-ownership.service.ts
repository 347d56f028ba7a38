import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import { bookingTopology } from '@app/booking';
import { PeriodicTask } from '@app/common';
import { AppConfig } from '@app/config';
import { AmqpServer } from '@app/messaging';
import { METRIC } from '@app/observability';
import { shardsOwnedBy } from './shard-assignment.js';
import { ShardMembersRepository } from './shard-members.repository.js';

const HEARTBEAT_EVERY_MS = 1000;

/**
 * Which shard queues this inventory replica consumes. Every second it renews its heartbeat in PostgreSQL, reads the
 * replicas alive (heard from within SHARD_LEASE_SECONDS) and consumes exactly the shards {@link shardsOwnedBy} gives
 * it: a replica that joins takes its share on the next beat, and the shards of one that dies move to the survivors
 * once its lease runs out.
 *
 * Why a rebalance is safe: the shard queues are single-active-consumer, so even while two replicas both subscribe to
 * a shard (one has not yet seen the new split) the broker delivers it to one of them only, and the other takes over
 * when the first cancels or its connection dies; a replica that cannot renew its heartbeat for a whole lease gives
 * up its shards itself. Ownership only keeps an event's bookings batched together: if two replicas ever decided one
 * event at once, the guarded seat UPDATE in PostgreSQL would still let one of them take each seat.
 */
@Injectable()
export class ShardOwnership implements OnApplicationBootstrap {
  readonly memberId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly logger = new Logger(ShardOwnership.name);
  private readonly task = new PeriodicTask(ShardOwnership.name, HEARTBEAT_EVERY_MS, () => this.rebalance());
  private readonly queues: readonly string[];
  private readonly leaseMs: number;
  private readonly owned = new Set<number>();
  private lastHeartbeatAt = performance.now();

  constructor(
    private readonly config: AppConfig,
    private readonly members: ShardMembersRepository,
    private readonly server: AmqpServer,
    @InjectMetric(METRIC.shardsOwned) private readonly shardsOwned: Gauge,
  ) {
    this.queues = bookingTopology(config.rabbitmq.prefix, config.rabbitmq.shards).shardQueues;
    this.leaseMs = config.inventory.shardLeaseSeconds * 1000;
  }

  /** Joins before the consumer starts, so that a ready replica already consumes its share. */
  async onApplicationBootstrap(): Promise<void> {
    await this.rebalance();
    this.task.start();
  }

  get ownedShards(): number[] {
    return [...this.owned].sort((a, b) => a - b);
  }

  /** Stops claiming shards and leaves the membership, so that the others take this replica's shards within a beat. */
  async leave(): Promise<void> {
    await this.task.stop();
    await this.members.leave(this.memberId).catch((error: Error) => this.logger.warn(`could not leave the shard membership: ${error.message}`));
  }

  async rebalance(): Promise<void> {
    let live: string[];
    try {
      live = await this.members.heartbeat(this.memberId, this.config.inventory.shardLeaseSeconds);
      this.lastHeartbeatAt = performance.now();
    } catch (error) {
      // Unheard of for a whole lease, this replica counts as dead to the others, who take its shards: let them go.
      if (performance.now() - this.lastHeartbeatAt > this.leaseMs) await this.consumeOnly([]);
      throw error;
    }
    await this.consumeOnly(shardsOwnedBy(this.memberId, live, this.queues.length));
  }

  private async consumeOnly(shards: number[]): Promise<void> {
    const before = this.ownedShards.join(',');
    for (const shard of this.owned) {
      if (shards.includes(shard)) continue;
      await this.server.cancel(this.queues[shard]);
      this.owned.delete(shard);
    }
    for (const shard of shards) {
      if (this.owned.has(shard)) continue;
      await this.server.consume(this.queues[shard]);
      this.owned.add(shard);
    }
    this.shardsOwned.set(this.owned.size);
    if (this.ownedShards.join(',') !== before) this.logger.log(`now deciding shards [${this.ownedShards.join(', ')}]`);
  }
}

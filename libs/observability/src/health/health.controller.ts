import { Controller, Get, Optional, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { type HealthCheckResult, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '@app/config';
import { RedisService } from '@app/redis';
import { BrokerHealth } from './broker-health.js';
import { ReplicaHealth } from './replica-health.js';

export interface Readiness {
  status: 'ok' | 'degraded' | 'error';
  details: Record<string, Record<string, unknown>>;
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly broker: BrokerHealth,
    private readonly redis: RedisService,
    private readonly config: AppConfig,
    @Optional() private readonly replica?: ReplicaHealth,
  ) {}

  /**
   * The process answers and, if it consumes messages, still makes progress: restart it only when this fails (a
   * consumer whose oldest unacknowledged message waited longer than CONSUMER_STALL_SECONDS is stuck).
   */
  @Get('live')
  live(@Res({ passthrough: true }) reply: FastifyReply): { status: 'ok' | 'error'; consumer?: Record<string, unknown> } {
    const consumer = this.consumerProgress();
    if (consumer.status === 'up') return { status: 'ok' };
    void reply.status(503);
    return { status: 'error', consumer };
  }

  /**
   * PostgreSQL and RabbitMQ are required (503 without them), and a consumer must be making progress; Redis and a
   * read replica only speed things up, so without them the app stays ready and says `degraded`.
   */
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<Readiness> {
    const redis = { status: this.redis.connected ? 'up' : 'down' };
    const optional = { redis, ...(this.replica ? { replica: { ...this.replica.replicaState } } : {}) };
    try {
      const { details } = await this.health.check([() => this.database.pingCheck('postgres', { timeout: 1500 }), () => this.brokerCheck(), () => this.consumerCheck()]);
      const degraded = !this.redis.connected || this.replica?.replicaState.status === 'degraded';
      return { status: degraded ? 'degraded' : 'ok', details: { ...details, ...optional } };
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      void reply.status(503).header('retry-after', '5');
      return { status: 'error', details: { ...(error.getResponse() as HealthCheckResult).details, ...optional } };
    }
  }

  private brokerCheck() {
    const indicator = this.indicators.check('rabbitmq');
    return this.broker.brokerReady ? indicator.up() : indicator.down({ message: 'not connected to RabbitMQ' });
  }

  private consumerCheck() {
    const { status, ...details } = this.consumerProgress();
    const indicator = this.indicators.check('consumer');
    return status === 'up' ? indicator.up(details) : indicator.down(details);
  }

  private consumerProgress(): { status: 'up' | 'down'; oldestUnackedSeconds: number; message?: string } {
    const ageS = Math.round(this.broker.oldestDeliveryAgeMs / 100) / 10;
    const limitS = this.config.inventory.stallSeconds;
    if (ageS <= limitS) return { status: 'up', oldestUnackedSeconds: ageS };
    return { status: 'down', oldestUnackedSeconds: ageS, message: `no progress: a message has waited ${ageS} s for its acknowledgement (limit ${limitS} s)` };
  }
}

import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheckService, TypeOrmHealthIndicator, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { RedisService } from '@app/redis';
import { BrokerHealth } from './broker-health.js';

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
  ) {}

  /** The process answers: restart it only when this fails. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * PostgreSQL and RabbitMQ are required (503 without them); Redis only speeds things up, so without it the app
   * stays ready and says `degraded`.
   */
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<Readiness> {
    const redis = { status: this.redis.connected ? 'up' : 'down' };
    try {
      const { details } = await this.health.check([() => this.database.pingCheck('postgres', { timeout: 1500 }), () => this.brokerCheck()]);
      return { status: this.redis.connected ? 'ok' : 'degraded', details: { ...details, redis } };
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      void reply.status(503).header('retry-after', '5');
      return { status: 'error', details: { ...(error.getResponse() as HealthCheckResult).details, redis } };
    }
  }

  private brokerCheck() {
    const indicator = this.indicators.check('rabbitmq');
    return this.broker.brokerReady ? indicator.up() : indicator.down({ message: 'not connected to RabbitMQ' });
  }
}

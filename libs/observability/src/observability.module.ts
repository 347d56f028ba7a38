import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { RedisModule } from '@app/redis';
import { BrokerHealth } from './health/broker-health.js';
import { HealthController } from './health/health.controller.js';
import { METRIC_PROVIDERS } from './metrics.js';
import { RuntimeMetrics } from './runtime-metrics.js';

/**
 * /health/live, /health/ready and /metrics for an app; `broker` is the app's RabbitMQ side, asked by readiness, and
 * `replicaModule` (optional) exports the app's {@link ReplicaHealth}, reported by readiness.
 */
@Module({})
export class ObservabilityModule {
  static forApp(broker: Type<BrokerHealth>, brokerModule: Type<unknown>, replicaModule?: Type<unknown>): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [
        TerminusModule.forRoot({ logger: false }),
        PrometheusModule.register({ path: '/metrics', defaultMetrics: { enabled: true, config: { prefix: 'seatgrid_' } } }),
        RedisModule,
        brokerModule,
        ...(replicaModule ? [replicaModule] : []),
      ],
      controllers: [HealthController],
      providers: [{ provide: BrokerHealth, useExisting: broker }, RuntimeMetrics, ...METRIC_PROVIDERS],
      exports: METRIC_PROVIDERS,
      global: true,
    };
  }
}

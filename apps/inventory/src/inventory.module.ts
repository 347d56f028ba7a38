import { type DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { AmqpServer } from '@app/messaging';
import { loggingModule, ObservabilityModule } from '@app/observability';
import { BookingDecisionModule } from './booking/booking.module.js';
import { ConsumerModule } from './consumer/consumer.module.js';
import { MonitoringModule } from './monitoring/monitoring.module.js';
import { ShardingModule } from './sharding/sharding.module.js';

@Module({})
export class InventoryModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: InventoryModule,
      imports: [
        ConfigModule.forRoot(config),
        loggingModule(config.logLevel),
        DatabaseModule.forRoot(),
        ConsumerModule,
        ObservabilityModule.forApp(AmqpServer, ConsumerModule),
        BookingDecisionModule,
        MonitoringModule,
        ShardingModule,
      ],
    };
  }
}

import { type DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { AmqpServer } from '@app/messaging';
import { loggingModule, ObservabilityModule } from '@app/observability';
import { PaymentModule } from '@app/payment';
import { RedisModule } from '@app/redis';
import { BookingModule } from './booking/booking.module.js';
import { MessagingModule } from './messaging/messaging.module.js';
import { InventoryMonitor } from './monitoring/inventory.monitor.js';
import { OutboxModule } from './outbox/outbox.module.js';
import { ProjectionModule } from './projection/projection.module.js';
import { SagaModule } from './saga/saga.module.js';

@Module({})
export class InventoryModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: InventoryModule,
      imports: [
        ConfigModule.forRoot(config),
        loggingModule(config.logLevel),
        DatabaseModule,
        RedisModule,
        MessagingModule,
        ObservabilityModule.forApp(AmqpServer, MessagingModule),
        PaymentModule,
        OutboxModule,
        ProjectionModule,
        BookingModule,
        SagaModule,
      ],
      providers: [InventoryMonitor],
    };
  }
}

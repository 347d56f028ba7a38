import { type DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { loggingModule, ObservabilityModule } from '@app/observability';
import { RedisModule } from '@app/redis';
import { BookingPublisher } from './bookings/booking.publisher.js';
import { BookingsModule } from './bookings/bookings.module.js';
import { EventsModule } from './events/events.module.js';

@Module({})
export class GatewayModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ConfigModule.forRoot(config),
        loggingModule(config.logLevel),
        DatabaseModule,
        RedisModule,
        EventsModule,
        BookingsModule,
        ObservabilityModule.forApp(BookingPublisher, BookingsModule),
      ],
    };
  }
}

import { type DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { ReadReplicaModule } from '@app/database/replica/index.js';
import { loggingModule, ObservabilityModule } from '@app/observability';
import { BookingsModule } from './bookings/bookings.module.js';
import { EventsModule } from './events/events.module.js';
import { InsightsModule } from './insights/insights.module.js';
import { BookingPublisher } from './publishing/booking.publisher.js';
import { PublishingModule } from './publishing/publishing.module.js';
import { StreamModule } from './stream/stream.module.js';
import { WaitingRoomModule } from './waiting-room/waiting-room.module.js';
import { WaitlistModule } from './waitlist/waitlist.module.js';

@Module({})
export class GatewayModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ConfigModule.forRoot(config),
        loggingModule(config.logLevel),
        DatabaseModule.forRoot({ reads: true }),
        EventsModule,
        BookingsModule,
        StreamModule,
        WaitingRoomModule,
        WaitlistModule,
        InsightsModule,
        ObservabilityModule.forApp(BookingPublisher, PublishingModule, ReadReplicaModule),
      ],
    };
  }
}

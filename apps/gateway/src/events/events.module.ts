import { Module } from '@nestjs/common';
import { ReadReplicaModule } from '@app/database/replica/index.js';
import { RedisModule } from '@app/redis';
import { AuthModule } from '../auth/auth.module.js';
import { AvailabilityModule } from '../availability/availability.module.js';
import { SeatDemandModule } from '../insights/seat-demand.module.js';
import { NoticesModule } from '../notices/notices.module.js';
import { EventCatalog } from './event-catalog.js';
import { EventsController } from './events.controller.js';
import { EventsRepository } from './events.repository.js';
import { EventsService } from './events.service.js';

@Module({
  imports: [AuthModule, AvailabilityModule, NoticesModule, ReadReplicaModule, RedisModule, SeatDemandModule],
  controllers: [EventsController],
  providers: [EventCatalog, EventsRepository, EventsService],
  exports: [EventCatalog, EventsRepository],
})
export class EventsModule {}

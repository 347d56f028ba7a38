import { Module } from '@nestjs/common';
import { AvailabilityModule } from '../availability/availability.module.js';
import { EventCatalog } from './event-catalog.js';
import { EventsController } from './events.controller.js';
import { EventsRepository } from './events.repository.js';
import { EventsService } from './events.service.js';

@Module({
  imports: [AvailabilityModule],
  controllers: [EventsController],
  providers: [EventCatalog, EventsRepository, EventsService],
  exports: [EventCatalog, AvailabilityModule],
})
export class EventsModule {}

import { Module } from '@nestjs/common';
import { EventCatalog } from './event-catalog.js';
import { EventsController } from './events.controller.js';
import { EventsRepository } from './events.repository.js';
import { EventsService } from './events.service.js';

@Module({
  controllers: [EventsController],
  providers: [EventCatalog, EventsRepository, EventsService],
  exports: [EventCatalog],
})
export class EventsModule {}

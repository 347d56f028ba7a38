import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { AvailabilityModule } from '../availability/availability.module.js';
import { CatalogModule } from '../catalog/catalog.module.js';
import { SeatDemandModule } from '../insights/seat-demand.module.js';
import { EventsController } from './events.controller.js';
import { EventsService } from './events.service.js';

/** The events API: creating and changing events (admins), their details, seat maps and stats. */
@Module({
  imports: [AuthModule, AvailabilityModule, CatalogModule, SeatDemandModule],
  controllers: [EventsController],
  providers: [EventsService],
})
export class EventsModule {}

import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { InsightsController } from './insights.controller.js';
import { SeatDemandModule } from './seat-demand.module.js';

/** GET /events/{id}/insights: seat demand, as the gateways counted it, beside the bookings it turned into. */
@Module({ imports: [CatalogModule, SeatDemandModule], controllers: [InsightsController] })
export class InsightsModule {}

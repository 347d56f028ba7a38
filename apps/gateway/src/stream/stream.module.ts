import { Module } from '@nestjs/common';
import { SeatMapModule } from '@app/seat-map';
import { AvailabilityModule } from '../availability/availability.module.js';
import { CatalogModule } from '../catalog/catalog.module.js';
import { NoticesModule } from '../notices/notices.module.js';
import { SeatStreamController } from './seat-stream.controller.js';
import { SeatStreamHub } from './seat-stream.hub.js';
import { SseStreams } from './sse-streams.js';

/** Server-Sent Events: the registry of open streams (heartbeats, slow clients), and live seat maps. */
@Module({
  imports: [AvailabilityModule, CatalogModule, NoticesModule, SeatMapModule],
  controllers: [SeatStreamController],
  providers: [SseStreams, SeatStreamHub],
  exports: [SseStreams],
})
export class StreamModule {}

import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ErrorView, InsightsView } from '@app/contracts';
import { EventCatalog } from '../catalog/event-catalog.js';
import { EventIdPipe } from '../catalog/event-id.pipe.js';
import { EventsRepository } from '../catalog/events.repository.js';
import { DemandSink } from './demand-sink.js';

@ApiTags('insights')
@Controller('events/:id/insights')
export class InsightsController {
  constructor(private readonly sink: DemandSink, private readonly catalog: EventCatalog, private readonly events: EventsRepository) {}

  /** Counts are written by each gateway every INSIGHTS_FLUSH_MS, so the last few seconds may be missing. */
  @Get()
  @ApiOkResponse({ type: InsightsView })
  @ApiNotFoundResponse({ type: ErrorView })
  async insights(@Param('id', EventIdPipe) eventId: number): Promise<InsightsView> {
    await this.catalog.get(eventId);
    const [demand, bookings] = await Promise.all([this.sink.read(eventId), this.events.bookingCounts(eventId)]);
    const confirmedBookings = bookings.CONFIRMED ?? 0;
    const conversion = demand.attempts === 0 ? 0 : Math.round((confirmedBookings / demand.attempts) * 10_000) / 10_000;
    return { eventId, hotSeats: demand.hotSeats, attemptsPerMinute: demand.attemptsPerMinute, seatMapReads: demand.seatMapReads, attempts: demand.attempts, confirmedBookings, conversion };
  }
}

import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CreateEventDto, ErrorView, EventDetailsView, EventStatsView, EventView, SeatMapView } from '@app/contracts';
import { AdminTokenGuard } from '../auth/admin-token.guard.js';
import { EventIdPipe } from './event-id.pipe.js';
import { EventsService } from './events.service.js';

@ApiTags('events')
@ApiBadRequestResponse({ type: ErrorView })
@Controller('events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Post()
  @HttpCode(201)
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: EventView })
  create(@Body() dto: CreateEventDto): Promise<EventView> {
    return this.events.create(dto);
  }

  @Get(':id')
  @ApiOkResponse({ type: EventDetailsView })
  @ApiNotFoundResponse({ type: ErrorView })
  details(@Param('id', EventIdPipe) id: number): Promise<EventDetailsView> {
    return this.events.details(id);
  }

  @Get(':id/seats')
  @ApiOkResponse({ type: SeatMapView, description: 'The seat map: one string a row, one character a seat (see `legend`)' })
  @ApiNotFoundResponse({ type: ErrorView })
  seatMap(@Param('id', EventIdPipe) id: number): Promise<SeatMapView> {
    return this.events.seatMap(id);
  }

  @Get(':id/stats')
  @ApiOkResponse({ type: EventStatsView, description: 'Seats and bookings by status, read from PostgreSQL' })
  @ApiNotFoundResponse({ type: ErrorView })
  stats(@Param('id', EventIdPipe) id: number): Promise<EventStatsView> {
    return this.events.stats(id);
  }
}

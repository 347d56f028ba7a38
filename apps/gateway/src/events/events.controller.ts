import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiProduces, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CreateEventDto, ErrorView, EventDetailsView, EventStatsView, EventView, SeatMapView, UpdateEventDto } from '@app/contracts';
import { AdminGuard } from '../auth/auth.guards.js';
import { EventIdPipe } from '../catalog/event-id.pipe.js';
import { EventsService } from './events.service.js';

@ApiTags('events')
@ApiExtraModels(SeatMapView)
@ApiBadRequestResponse({ type: ErrorView })
@Controller('events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Post()
  @HttpCode(201)
  @UseGuards(AdminGuard)
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: EventView })
  create(@Body() dto: CreateEventDto): Promise<EventView> {
    return this.events.create(dto);
  }

  @Patch(':id')
  @UseGuards(AdminGuard)
  @ApiBearerAuth()
  @ApiOkResponse({ type: EventView, description: 'Changed; every gateway applies the new admission rate within moments' })
  @ApiNotFoundResponse({ type: ErrorView })
  update(@Param('id', EventIdPipe) id: number, @Body() dto: UpdateEventDto): Promise<EventView> {
    return this.events.update(id, dto);
  }

  @Get(':id')
  @ApiOkResponse({ type: EventDetailsView })
  @ApiNotFoundResponse({ type: ErrorView })
  details(@Param('id', EventIdPipe) id: number): Promise<EventDetailsView> {
    return this.events.details(id);
  }

  @Get(':id/seats')
  @ApiProduces('application/json', 'application/octet-stream')
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'An ETag from an earlier answer: 304 while the seat map is unchanged' })
  @ApiOkResponse({
    description: [
      'The seat map. JSON (default): one string a row, one character a seat (see `legend`).',
      '`Accept: application/octet-stream`: the raw bitmap, 2 bits a seat (00 AVAILABLE, 01 HELD, 10 BOOKED), seat (r, c) at',
      'index (r−1)·cols + (c−1), four seats a byte, most significant bits first; grid size in `X-Seat-Rows` / `X-Seat-Cols`.',
      'Headers: `ETag`, `X-Cache-Status: HIT | MISS | STALE`.',
    ].join(' '),
    content: {
      'application/json': { schema: { $ref: getSchemaPath(SeatMapView) } },
      'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
    },
  })
  @ApiResponse({ status: 304, description: 'Unchanged since the ETag given in If-None-Match' })
  @ApiNotFoundResponse({ type: ErrorView })
  async seatMap(
    @Param('id', EventIdPipe) id: number,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | Buffer> {
    const { snapshot, status } = await this.events.seatMap(id);
    void reply.header('etag', snapshot.etag).header('x-cache-status', status).header('cache-control', 'no-cache');
    if (ifNoneMatch === snapshot.etag) {
      void reply.status(304);
      return '';
    }
    if (wantsBinary(accept)) {
      void reply.header('content-type', 'application/octet-stream').header('x-seat-rows', snapshot.grid.rows).header('x-seat-cols', snapshot.grid.cols);
      return Buffer.from(snapshot.bitmap); // a copy: the held bitmap is patched in place by the next change
    }
    void reply.header('content-type', 'application/json; charset=utf-8');
    return snapshot.body;
  }

  @Get(':id/stats')
  @ApiOkResponse({ type: EventStatsView, description: 'Seats and bookings by status, counted in PostgreSQL (at most every 250 ms per event)' })
  @ApiNotFoundResponse({ type: ErrorView })
  stats(@Param('id', EventIdPipe) id: number): Promise<EventStatsView> {
    return this.events.statsOf(id);
  }
}

const wantsBinary = (accept: string | undefined) => accept !== undefined && accept.includes('application/octet-stream') && !accept.includes('application/json');

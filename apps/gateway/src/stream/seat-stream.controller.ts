import { Controller, Get, Headers, Param, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorView } from '@app/contracts';
import { EventCatalog } from '../catalog/event-catalog.js';
import { EventIdPipe } from '../catalog/event-id.pipe.js';
import { SeatStreamHub } from './seat-stream.hub.js';
import { SseStreams } from './sse-streams.js';

const VERSION = /^\d{1,16}$/;

@ApiTags('events')
@Controller('events')
export class SeatStreamController {
  constructor(private readonly catalog: EventCatalog, private readonly hub: SeatStreamHub, private readonly streams: SseStreams) {}

  @Get(':id/seats/stream')
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'The last version received: resumes after it, or starts with a fresh snapshot when it is too old' })
  @ApiOkResponse({
    description: [
      'Server-Sent Events, each with `id: <version>`. First `event: snapshot`, data `{eventId, version, seatMap}` (seatMap as GET /events/{id}/seats answers it),',
      'unless Last-Event-ID resumes; then `event: seats`, data `{version, available, changes: [{row, col, status}]}` for every change batch, in version order.',
      'A new snapshot follows whenever changes cannot be sent one by one (a gap, a reset). A comment line every 15 s keeps the stream alive.',
    ].join(' '),
  })
  @ApiNotFoundResponse({ type: ErrorView })
  async stream(
    @Param('id', EventIdPipe) id: number,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    // Everything that can fail (unknown event, no seat map) fails before the response is taken over, as a normal error.
    const start = await this.hub.start(await this.catalog.get(id), lastEventId !== undefined && VERSION.test(lastEventId) ? Number(lastEventId) : undefined);
    this.hub.attach(start, this.streams.open(request, reply, 'seats'));
  }
}

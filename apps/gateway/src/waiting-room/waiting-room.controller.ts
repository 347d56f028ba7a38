import { Controller, Get, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiProduces, ApiQuery, ApiServiceUnavailableResponse, ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorView, QueueTicketView } from '@app/contracts';
import { Buyer, BuyerGuard, OpenedByEventSource } from '../auth/auth.guards.js';
import { EventIdPipe } from '../catalog/event-id.pipe.js';
import { SseStreams } from '../stream/sse-streams.js';
import { QueueWatchers } from './queue-watchers.js';
import { WaitingRoomService } from './waiting-room.service.js';

@ApiTags('waiting room')
@ApiBearerAuth()
@ApiHeader({ name: 'X-User-Id', required: false, description: 'The buyer, when AUTH_MODE=header (set by an authenticating proxy); ignored with AUTH_MODE=jwt' })
@ApiUnauthorizedResponse({ type: ErrorView, description: 'No buyer identity, or an invalid token' })
@ApiServiceUnavailableResponse({ type: ErrorView, description: 'Redis unavailable; nothing was changed (see Retry-After)' })
@Controller()
@UseGuards(BuyerGuard)
export class WaitingRoomController {
  constructor(private readonly room: WaitingRoomService, private readonly watchers: QueueWatchers, private readonly streams: SseStreams) {}

  @Post('events/:id/queue')
  @ApiCreatedResponse({ type: QueueTicketView, description: 'Joined: a new ticket at the back of the queue (Location: /queue/{ticketId})' })
  @ApiOkResponse({ type: QueueTicketView, description: 'The ticket this buyer already holds' })
  @ApiConflictResponse({ type: ErrorView, description: 'The event has no waiting room' })
  @ApiNotFoundResponse({ type: ErrorView })
  async join(@Param('id', EventIdPipe) eventId: number, @Buyer() buyer: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<QueueTicketView> {
    const { view, created } = await this.room.join(eventId, buyer);
    void reply.status(created ? 201 : 200).header('location', `/queue/${view.ticketId}`);
    return view;
  }

  @Get('queue/:ticketId')
  @ApiOkResponse({ type: QueueTicketView })
  @ApiForbiddenResponse({ type: ErrorView, description: "Another buyer's ticket" })
  @ApiNotFoundResponse({ type: ErrorView })
  async status(@Param('ticketId') ticketId: string, @Buyer() buyer: string): Promise<QueueTicketView> {
    const { event, state } = await this.room.ticket(ticketId, buyer);
    return this.room.viewOf(event, state);
  }

  @Get('queue/:ticketId/stream')
  @OpenedByEventSource()
  @ApiProduces('text/event-stream')
  @ApiQuery({
    name: 'access_token',
    required: false,
    description: 'AUTH_MODE=jwt: the bearer token, for clients that cannot send headers (EventSource; RFC 6750 §2.3). Not with an Authorization header (400)',
  })
  @ApiOkResponse({ description: 'Server-Sent Events: `event: queue`, data as GET /queue/{ticketId} answers it, first at once and then whenever it changes' })
  @ApiForbiddenResponse({ type: ErrorView, description: "Another buyer's ticket" })
  @ApiNotFoundResponse({ type: ErrorView })
  async stream(@Param('ticketId') ticketId: string, @Buyer() buyer: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    // Checked before the response is taken over, so that an unknown or foreign ticket is a normal error.
    const ticket = await this.room.ticket(ticketId, buyer);
    this.watchers.watch(ticket, this.streams.open(request, reply, 'queue'));
  }
}

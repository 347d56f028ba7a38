import { Body, ConflictException, Controller, Delete, Get, HttpCode, NotFoundException, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorView, JoinWaitlistDto, WaitlistEntryView } from '@app/contracts';
import { Buyer, BuyerGuard } from '../auth/auth.guards.js';
import { EventCatalog } from '../catalog/event-catalog.js';
import { EventIdPipe } from '../catalog/event-id.pipe.js';
import { WaitlistRepository } from './waitlist.repository.js';

/** The waitlist of a sold-out event: seats that come back are booked for the first buyer in line they fit. */
@ApiTags('waitlist')
@ApiBearerAuth()
@ApiHeader({ name: 'X-User-Id', required: false, description: 'The buyer, when AUTH_MODE=header (set by an authenticating proxy); ignored with AUTH_MODE=jwt' })
@ApiBadRequestResponse({ type: ErrorView })
@ApiUnauthorizedResponse({ type: ErrorView, description: 'No buyer identity, or an invalid token' })
@ApiNotFoundResponse({ type: ErrorView, description: 'Unknown event, or (GET, DELETE) no place of this buyer' })
@Controller('events/:id/waitlist')
@UseGuards(BuyerGuard)
export class WaitlistController {
  constructor(private readonly repository: WaitlistRepository, private readonly catalog: EventCatalog) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: WaitlistEntryView, description: 'The buyer’s place (the same one when they had joined already)' })
  @ApiConflictResponse({ type: ErrorView, description: 'Enough seats are free (book them with POST /bookings), or the place would take the buyer past the per-buyer cap' })
  async join(@Param('id', EventIdPipe) eventId: number, @Buyer() buyer: string, @Body() body: JoinWaitlistDto): Promise<WaitlistEntryView> {
    const event = await this.catalog.get(eventId);
    const outcome = await this.repository.join(eventId, buyer, body.quantity, event.maxTicketsPerBuyer);
    if ('entry' in outcome) return outcome.entry;
    if ('ticketsHeld' in outcome) {
      throw new ConflictException(`over the limit of ${event.maxTicketsPerBuyer} tickets per buyer for event ${eventId}: you hold ${outcome.ticketsHeld}`);
    }
    throw new ConflictException(`event ${eventId} has ${outcome.freeSeats} free seats for ${body.quantity}: book them with POST /bookings`);
  }

  @Get('me')
  @ApiOkResponse({ type: WaitlistEntryView })
  async mine(@Param('id', EventIdPipe) eventId: number, @Buyer() buyer: string): Promise<WaitlistEntryView> {
    return (await this.repository.find(eventId, buyer)) ?? notInLine(eventId);
  }

  @Delete('me')
  @ApiOkResponse({ type: WaitlistEntryView, description: 'LEFT; a place already served (BOOKED, EXPIRED) is answered as it is' })
  async leave(@Param('id', EventIdPipe) eventId: number, @Buyer() buyer: string): Promise<WaitlistEntryView> {
    return (await this.repository.leave(eventId, buyer)) ?? notInLine(eventId);
  }
}

function notInLine(eventId: number): never {
  throw new NotFoundException(`no place on the waitlist of event ${eventId} for this buyer`);
}

import { Body, ConflictException, Controller, Delete, Get, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ErrorView, JoinWaitlistDto, WaitlistEntryView } from '@app/contracts';
import { Buyer } from '../bookings/buyer.js';
import { EventCatalog } from '../events/event-catalog.js';
import { EventIdPipe } from '../events/event-id.pipe.js';
import { WaitlistRepository } from './waitlist.repository.js';

/** The waitlist of a sold-out event: seats that come back are booked for the first buyer in line they fit. */
@ApiTags('waitlist')
@ApiHeader({ name: 'X-User-Id', required: true, description: 'The buyer' })
@ApiBadRequestResponse({ type: ErrorView })
@ApiNotFoundResponse({ type: ErrorView, description: 'Unknown event, or (GET, DELETE) no place of this buyer' })
@Controller('events/:id/waitlist')
export class WaitlistController {
  constructor(private readonly repository: WaitlistRepository, private readonly catalog: EventCatalog) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: WaitlistEntryView, description: 'The buyer’s place (the same one when they had joined already)' })
  @ApiConflictResponse({ type: ErrorView, description: 'Enough seats are free: book them with POST /bookings' })
  async join(@Param('id', EventIdPipe) eventId: number, @Buyer() buyer: string, @Body() body: JoinWaitlistDto): Promise<WaitlistEntryView> {
    await this.catalog.get(eventId);
    const outcome = await this.repository.join(eventId, buyer, body.quantity);
    if ('entry' in outcome) return outcome.entry;
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

import { BadRequestException, Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BookingAcceptedView, BookingView, CreateBookingDto, ErrorView } from '@app/contracts';
import { BookingsService } from './bookings.service.js';
import { UserId } from './user-id.decorator.js';

const bookingIdPipe = new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException('id must be a UUID') });

@ApiTags('bookings')
@ApiBadRequestResponse({ type: ErrorView })
@Controller('bookings')
export class BookingsController {
  constructor(private readonly bookings: BookingsService) {}

  @Post()
  @HttpCode(202)
  @ApiHeader({ name: 'X-User-Id', required: true, description: 'The buyer' })
  @ApiAcceptedResponse({ type: BookingAcceptedView, description: 'Stored by the broker; poll the Location for the outcome' })
  @ApiNotFoundResponse({ type: ErrorView, description: 'Unknown event' })
  @ApiServiceUnavailableResponse({ type: ErrorView, description: 'Broker unavailable; nothing was accepted (see Retry-After)' })
  async create(@Body() dto: CreateBookingDto, @UserId() userId: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<BookingAcceptedView> {
    const accepted = await this.bookings.request(dto, userId, request.id);
    void reply.header('location', `/bookings/${accepted.bookingId}`);
    return accepted;
  }

  @Get(':id')
  @ApiOkResponse({ type: BookingView })
  @ApiNotFoundResponse({ type: ErrorView })
  find(@Param('id', bookingIdPipe) id: string): Promise<BookingView> {
    return this.bookings.find(id);
  }
}

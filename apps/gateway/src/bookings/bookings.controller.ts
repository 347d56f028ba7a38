import { BadRequestException, Body, Controller, Delete, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiConflictResponse, ApiForbiddenResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiServiceUnavailableResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BookingAcceptedView, BookingView, CreateBookingDto, ErrorView } from '@app/contracts';
import { contextFrom, inSpan, SpanKind } from '@app/observability';
import { BookingsService } from './bookings.service.js';
import { UserId } from './user-id.decorator.js';

const bookingIdPipe = new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException('id must be a UUID') });
const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

function idempotencyKeyOf(value: string | undefined): string | undefined {
  if (value !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(value)) throw new BadRequestException('Idempotency-Key header must be 1-255 visible ASCII characters');
  return value;
}

@ApiTags('bookings')
@ApiBadRequestResponse({ type: ErrorView })
@Controller('bookings')
export class BookingsController {
  constructor(private readonly bookings: BookingsService) {}

  @Post()
  @HttpCode(202)
  @ApiHeader({ name: 'X-User-Id', required: true, description: 'The buyer' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key (and user) answers the same booking; kept 24 hours or more' })
  @ApiUnprocessableEntityResponse({ type: ErrorView, description: 'The Idempotency-Key was used with another body' })
  @ApiAcceptedResponse({ type: BookingAcceptedView, description: 'Stored by the broker; poll the Location for the outcome' })
  @ApiNotFoundResponse({ type: ErrorView, description: 'Unknown event' })
  @ApiConflictResponse({ type: ErrorView, description: 'Refused at once: sold out, fewer seats left than asked, or seats known taken (named)' })
  @ApiServiceUnavailableResponse({ type: ErrorView, description: 'Broker unavailable; nothing was accepted (see Retry-After)' })
  async create(
    @Body() dto: CreateBookingDto,
    @UserId() userId: string,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BookingAcceptedView> {
    // The root of the booking's trace (or a child of the caller's, when it sends a traceparent).
    const accepted = await inSpan('POST /bookings', SpanKind.SERVER, contextFrom(request.headers), (trace) =>
      this.bookings.request(dto, userId, request.id, idempotencyKeyOf(idempotencyKey), trace),
    );
    void reply.header('location', `/bookings/${accepted.bookingId}`);
    return accepted;
  }

  @Get(':id')
  @ApiOkResponse({ type: BookingView })
  @ApiNotFoundResponse({ type: ErrorView })
  find(@Param('id', bookingIdPipe) id: string): Promise<BookingView> {
    return this.bookings.find(id);
  }

  @Delete(':id')
  @ApiHeader({ name: 'X-User-Id', required: true, description: 'Must be the buyer who made the booking' })
  @ApiOkResponse({ type: BookingView, description: 'Cancelled (seats released; refunded if it was paid)' })
  @ApiAcceptedResponse({ type: BookingView, description: 'Cancellation accepted, still being carried out: poll the Location' })
  @ApiForbiddenResponse({ type: ErrorView, description: 'Another user’s booking' })
  @ApiConflictResponse({ type: ErrorView, description: 'Already rejected, failed, expired or cancelled' })
  @ApiNotFoundResponse({ type: ErrorView })
  async cancel(@Param('id', bookingIdPipe) id: string, @UserId() userId: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<BookingView> {
    const { booking, done } = await this.bookings.cancel(id, userId, request.id);
    if (!done) void reply.status(202).header('location', `/bookings/${id}`);
    return booking;
  }
}

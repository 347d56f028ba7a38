import { BadRequestException, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse, ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiForbiddenResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiServiceUnavailableResponse, ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { RouteSchema } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BookingAcceptedView, BookingView, bookingShapeProblem, type CreateBookingRequest, CreateBookingSchema, ErrorView, seatsOutsideGrid } from '@app/contracts';
import { type Refusal, refusalBody } from '../availability/refusal.js';
import { EventCatalog } from '../events/event-catalog.js';
import type { EventRow } from '../events/event-row.js';
import { AdmissionGate, type AdmissionDenial, deny, isAdmissionDenial } from '../waiting-room/admission-gate.js';
import { BookingIntake } from './booking-intake.service.js';
import { BookingStatusService } from './booking-status.service.js';
import { Buyer, buyerOf } from './buyer.js';

const bookingIdPipe = new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException('id must be a UUID') });
const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const JSON_TYPE = 'application/json; charset=utf-8';

@ApiTags('bookings')
@ApiBadRequestResponse({ type: ErrorView })
@Controller('bookings')
export class BookingsController {
  constructor(
    private readonly intake: BookingIntake,
    private readonly status: BookingStatusService,
    private readonly catalog: EventCatalog,
    private readonly admissions: AdmissionGate,
  ) {}

  /**
   * The hot path of an on-sale: the body is validated by Fastify's compiled schema (from the contract), the event
   * comes from memory, expected refusals are written pre-serialised without an exception, and an acceptance waits for
   * the broker's confirm only.
   */
  @Post()
  @HttpCode(202)
  @RouteSchema({ body: CreateBookingSchema })
  @ApiBody({ schema: CreateBookingSchema as object })
  @ApiHeader({ name: 'X-User-Id', required: true, description: 'The buyer' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key (and user) answers the same booking; kept 24 hours or more' })
  @ApiHeader({ name: 'X-Admission-Token', required: false, description: 'Required for events with a waiting room: the admissionToken of GET /queue/{ticketId}' })
  @ApiForbiddenResponse({ type: ErrorView, description: 'The event has a waiting room and X-Admission-Token is missing, invalid, expired, used or not this buyer\'s; `queue` names the path to join' })
  @ApiUnprocessableEntityResponse({ type: ErrorView, description: 'The Idempotency-Key was used with another body' })
  @ApiAcceptedResponse({ type: BookingAcceptedView, description: 'Stored by the broker; poll the Location for the outcome' })
  @ApiNotFoundResponse({ type: ErrorView, description: 'Unknown event' })
  @ApiConflictResponse({ type: ErrorView, description: 'Refused at once: sold out, fewer seats left than asked, seats known taken or being booked (named), or every seat left being booked' })
  @ApiServiceUnavailableResponse({ type: ErrorView, description: 'Broker unavailable; nothing was accepted (see Retry-After)' })
  create(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> | void {
    const buyer = buyerOf(request);
    const body = request.body as CreateBookingRequest;
    const problem = bookingShapeProblem(body);
    if (problem) throw new BadRequestException(problem);
    const event = this.catalog.peek(body.eventId);
    if (!event) return this.catalog.get(body.eventId).then((found) => this.book(found, body, buyer, request, reply));
    return this.book(event, body, buyer, request, reply);
  }

  @Get(':id')
  @ApiOkResponse({ type: BookingView })
  @ApiNotFoundResponse({ type: ErrorView })
  find(@Param('id', bookingIdPipe) id: string): Promise<BookingView> {
    return this.status.find(id);
  }

  @Delete(':id')
  @ApiHeader({ name: 'X-User-Id', required: true, description: 'Must be the buyer who made the booking' })
  @ApiOkResponse({ type: BookingView, description: 'Cancelled (seats released; refunded if it was paid)' })
  @ApiAcceptedResponse({ type: BookingView, description: 'Cancellation accepted, still being carried out: poll the Location' })
  @ApiForbiddenResponse({ type: ErrorView, description: 'Not the buyer of this booking' })
  @ApiConflictResponse({ type: ErrorView, description: 'Already rejected, failed, expired or cancelled' })
  @ApiNotFoundResponse({ type: ErrorView })
  async cancel(@Param('id', bookingIdPipe) id: string, @Buyer() buyer: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<BookingView> {
    const { booking, done } = await this.status.cancel(id, buyer, request.id, request.headers);
    if (!done) void reply.status(202).header('location', `/bookings/${id}`);
    return booking;
  }

  private book(event: EventRow, body: CreateBookingRequest, buyer: string, request: FastifyRequest, reply: FastifyReply): Promise<void> | void {
    const outside = body.seats && seatsOutsideGrid(body.seats, event);
    if (outside) throw new BadRequestException(`${outside} for event ${event.id}`);
    const intake = { buyer, requestId: request.id, headers: request.headers };
    const idempotencyKey = idempotencyKeyOf(request.headers['idempotency-key']);
    // One property check for events without a waiting room.
    const admission = event.admissionRatePerSecond === undefined ? undefined : this.admissions.check(event, buyer, request.headers['x-admission-token'], idempotencyKey);
    if (admission && isAdmissionDenial(admission)) return deny(reply, admission, request.id);
    if (idempotencyKey !== undefined) {
      const acceptOnce = () => this.intake.acceptOnce(event, body, { ...intake, idempotencyKey });
      return (admission ? this.admissions.spend(admission, acceptOnce) : acceptOnce()).then((answer) => answerWith(reply, answer, request.id));
    }
    const refused = this.intake.refusalFor(event, body);
    if (refused) return refuse(reply, refused, request.id);
    if (admission) return this.admissions.spend(admission, () => this.intake.accept(event, body, intake)).then((answer) => answerWith(reply, answer, request.id));
    return this.intake.accept(event, body, intake).then((bookingId) => accepted(reply, bookingId));
  }
}

function answerWith(reply: FastifyReply, answer: string | Refusal | AdmissionDenial, requestId: string): void {
  if (typeof answer === 'string') accepted(reply, answer);
  else if (isAdmissionDenial(answer)) deny(reply, answer, requestId);
  else refuse(reply, answer, requestId);
}

function accepted(reply: FastifyReply, bookingId: string): void {
  void reply.code(202).header('location', `/bookings/${bookingId}`).header('content-type', JSON_TYPE).send(`{"bookingId":"${bookingId}","status":"PENDING"}`);
}

function refuse(reply: FastifyReply, refused: Refusal, requestId: string): void {
  if (refused.retryAfterSeconds) void reply.header('retry-after', String(refused.retryAfterSeconds));
  void reply.code(409).header('content-type', JSON_TYPE).send(refusalBody(refused, requestId));
}

function idempotencyKeyOf(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(value)) throw new BadRequestException('Idempotency-Key header must be 1-255 visible ASCII characters');
  return value;
}

import { BadRequestException, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse, ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiConflictResponse, ApiForbiddenResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiServiceUnavailableResponse, ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { RouteSchema } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BookingAcceptedView, BookingView, bookingShapeProblem, type CreateBookingRequest, CreateBookingSchema, ErrorView, seatsOutsideGrid } from '@app/contracts';
import { type Refusal, refusalBody } from '../availability/refusal.js';
import { EventCatalog } from '../catalog/event-catalog.js';
import type { EventRow } from '../catalog/event-row.js';
import { SeatDemand } from '../insights/seat-demand.js';
import { AdmissionGate, type AdmissionDenial, deny, isAdmissionDenial } from '../waiting-room/admission-gate.js';
import { BookingIntake } from './booking-intake.service.js';
import { BookingStatusService } from './booking-status.service.js';
import { Buyer, BuyerGuard } from '../auth/auth.guards.js';
import { BuyerIdentity } from '../auth/buyer-identity.service.js';

const bookingIdPipe = new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException('id must be a UUID') });
const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const JSON_TYPE = 'application/json; charset=utf-8';

@ApiTags('bookings')
@ApiBearerAuth()
@ApiHeader({ name: 'X-User-Id', required: false, description: 'The buyer, when AUTH_MODE=header (set by an authenticating proxy); ignored with AUTH_MODE=jwt' })
@ApiBadRequestResponse({ type: ErrorView })
@ApiUnauthorizedResponse({ type: ErrorView, description: 'No buyer identity, or an invalid token (WWW-Authenticate: Bearer error="invalid_token")' })
@Controller('bookings')
export class BookingsController {
  constructor(
    private readonly intake: BookingIntake,
    private readonly status: BookingStatusService,
    private readonly catalog: EventCatalog,
    private readonly identity: BuyerIdentity,
    private readonly demand: SeatDemand,
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
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key (and user) answers the same booking; kept 24 hours or more' })
  @ApiHeader({ name: 'X-Admission-Token', required: false, description: 'Required for events with a waiting room: the admissionToken of GET /queue/{ticketId}' })
  @ApiForbiddenResponse({ type: ErrorView, description: 'The event has a waiting room and X-Admission-Token is missing, invalid, expired, used or not this buyer\'s; `queue` names the path to join' })
  @ApiUnprocessableEntityResponse({ type: ErrorView, description: 'The Idempotency-Key was used with another body' })
  @ApiAcceptedResponse({ type: BookingAcceptedView, description: 'Stored by the broker; poll the Location for the outcome' })
  @ApiNotFoundResponse({ type: ErrorView, description: 'Unknown event' })
  @ApiConflictResponse({ type: ErrorView, description: 'Refused at once: sold out, fewer seats left than asked, seats known taken or being booked (named), or every seat left being booked' })
  @ApiServiceUnavailableResponse({ type: ErrorView, description: 'Broker unavailable; nothing was accepted (see Retry-After)' })
  @ApiTooManyRequestsResponse({ type: ErrorView, description: 'Rate limit of the buyer (or client address) used up; see Retry-After' })
  create(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> | void {
    const body = request.body as CreateBookingRequest;
    const problem = bookingShapeProblem(body);
    if (problem) throw new BadRequestException(problem);
    // Without I/O when the buyer and the event are known (X-User-Id or a token seen before; the catalog in memory).
    const buyer = this.identity.buyerOf(request);
    if (typeof buyer !== 'string') return buyer.then((known) => this.forEvent(known, body, request, reply));
    return this.forEvent(buyer, body, request, reply);
  }

  @Get(':id')
  @UseGuards(BuyerGuard)
  @ApiOkResponse({ type: BookingView })
  @ApiNotFoundResponse({ type: ErrorView, description: 'No such booking of this buyer (another buyer’s booking is not shown)' })
  find(@Param('id', bookingIdPipe) id: string, @Buyer() buyer: string): Promise<BookingView> {
    return this.status.findOwn(id, buyer);
  }

  @Delete(':id')
  @UseGuards(BuyerGuard)
  @ApiOkResponse({ type: BookingView, description: 'Cancelled (seats released; refunded if it was paid)' })
  @ApiAcceptedResponse({ type: BookingView, description: 'Cancellation accepted, still being carried out: poll the Location' })
  @ApiConflictResponse({ type: ErrorView, description: 'Already rejected, failed, expired or cancelled' })
  @ApiNotFoundResponse({ type: ErrorView })
  async cancel(@Param('id', bookingIdPipe) id: string, @Buyer() buyer: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<BookingView> {
    const { booking, done } = await this.status.cancel(id, buyer, request.id, request.headers);
    if (!done) void reply.status(202).header('location', `/bookings/${id}`);
    return booking;
  }

  private forEvent(buyer: string, body: CreateBookingRequest, request: FastifyRequest, reply: FastifyReply): Promise<void> | void {
    const event = this.catalog.peek(body.eventId);
    if (!event) return this.catalog.get(body.eventId).then((found) => this.book(found, body, buyer, request, reply));
    return this.book(event, body, buyer, request, reply);
  }

  private book(event: EventRow, body: CreateBookingRequest, buyer: string, request: FastifyRequest, reply: FastifyReply): Promise<void> | void {
    const outside = body.seats && seatsOutsideGrid(body.seats, event);
    if (outside) throw new BadRequestException(`${outside} for event ${event.id}`);
    this.demand.attempted(event, body.seats); // every attempt, refused at once or accepted
    const intake = { buyer, address: request.ip, requestId: request.id, headers: request.headers };
    const idempotencyKey = idempotencyKeyOf(request.headers['idempotency-key']);
    // One property check for events without a waiting room.
    const admission = event.admissionRatePerSecond === undefined ? undefined : this.admissions.check(event, buyer, request.headers['x-admission-token'], idempotencyKey);
    if (admission && isAdmissionDenial(admission)) return deny(reply, admission, request.id);
    if (idempotencyKey === undefined) {
      const refused = this.intake.refusalFor(event, body, buyer);
      if (refused) return refuse(reply, refused, request.id);
    }
    const accept = idempotencyKey === undefined ? () => this.intake.accept(event, body, intake) : () => this.intake.acceptOnce(event, body, { ...intake, idempotencyKey });
    return (admission ? this.admissions.spend(admission, accept) : accept()).then((answer) => answerWith(reply, answer, request.id));
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
  void reply.code(refused.status).header('content-type', JSON_TYPE).send(refusalBody(refused, requestId));
}

function idempotencyKeyOf(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(value)) throw new BadRequestException('Idempotency-Key header must be 1-255 visible ASCII characters');
  return value;
}

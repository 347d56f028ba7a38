import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Min, ValidateNested, Equals } from 'class-validator';
import { BOOKING_STATUSES, type BookingStatus, SeatDto } from '../booking.dto.js';

/** Saga transitions announced through the outbox; routing key `<type>.<eventId>`, AMQP messageId `outbox-<id>`. */
export const BOOKING_EVENT_TYPES = ['booking.held', 'booking.confirmed', 'booking.rejected', 'booking.failed', 'booking.expired', 'booking.cancelled'] as const;
export type BookingEventType = (typeof BOOKING_EVENT_TYPES)[number];

export class BookingStatusChangedV1 {
  static readonly version = 1;

  @IsIn(BOOKING_EVENT_TYPES) type: BookingEventType;
  @Equals(BookingStatusChangedV1.version) version: typeof BookingStatusChangedV1.version;
  @IsUUID() bookingId: string;
  @IsInt() @Min(1) eventId: number;
  @IsString() userId: string;
  @IsIn(BOOKING_STATUSES) status: BookingStatus;
  @IsArray() @ValidateNested({ each: true }) @Type(() => SeatDto) seats: SeatDto[];
  @IsOptional() @IsString() reason?: string;
  @IsISO8601() occurredAt: string;
}

/** Seats went back on sale (payment failed, hold expired, booking cancelled): caches that said "taken" must forget. */
export class SeatsReleasedV1 {
  static readonly type = 'seats.released';
  static readonly version = 1;

  @Equals(SeatsReleasedV1.type) type: typeof SeatsReleasedV1.type;
  @Equals(SeatsReleasedV1.version) version: typeof SeatsReleasedV1.version;
  @IsUUID() bookingId: string;
  @IsInt() @Min(1) eventId: number;
  @IsArray() @ValidateNested({ each: true }) @Type(() => SeatDto) seats: SeatDto[];
  @IsISO8601() occurredAt: string;
}

export type BookingEvent = BookingStatusChangedV1 | SeatsReleasedV1;

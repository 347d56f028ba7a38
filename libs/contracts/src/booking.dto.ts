import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, Max, Min, ValidateNested } from 'class-validator';

export const MAX_SEATS_PER_BOOKING = 10;

export const BOOKING_STATUSES = ['PENDING', 'HELD', 'CONFIRMED', 'REJECTED', 'FAILED', 'EXPIRED', 'CANCELLED'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];
/** A booking in one of these never changes again, except CONFIRMED, which its buyer may still cancel. */
export const TERMINAL_BOOKING_STATUSES: readonly BookingStatus[] = ['CONFIRMED', 'REJECTED', 'FAILED', 'EXPIRED', 'CANCELLED'];

/** The mock price of one seat; the saga charges seats × this. */
export const SEAT_PRICE_CENTS = 5000;

export class SeatDto {
  @ApiProperty({ minimum: 1, example: 1 })
  @IsInt() @Min(1)
  row: number;

  @ApiProperty({ minimum: 1, example: 5 })
  @IsInt() @Min(1)
  col: number;
}

/** Exactly one of `seats` (those seats) or `quantity` (best available) is given; the service checks that rule. */
export class CreateBookingDto {
  @ApiProperty({ example: 42 })
  @IsInt() @Min(1)
  eventId: number;

  @ApiPropertyOptional({ type: [SeatDto], minItems: 1, maxItems: MAX_SEATS_PER_BOOKING })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_SEATS_PER_BOOKING)
  @ValidateNested({ each: true }) @Type(() => SeatDto)
  seats?: SeatDto[];

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_SEATS_PER_BOOKING, description: 'Best available: adjacent seats in one row nearest the front centre, else any seats' })
  @IsOptional() @IsInt() @Min(1) @Max(MAX_SEATS_PER_BOOKING)
  quantity?: number;
}

export class BookingAcceptedView {
  @ApiProperty({ format: 'uuid' }) bookingId: string;
  @ApiProperty({ enum: ['PENDING'] }) status: 'PENDING';
}

export class BookingView {
  @ApiProperty({ format: 'uuid' }) bookingId: string;
  @ApiProperty() eventId: number;
  @ApiProperty() userId: string;
  @ApiProperty({ enum: BOOKING_STATUSES }) status: BookingStatus;
  @ApiProperty({ type: [SeatDto], description: 'Seats asked for while PENDING; the seats held or sold once HELD or CONFIRMED' }) seats: SeatDto[];
  @ApiPropertyOptional({ description: 'Why the booking was rejected, failed, expired or cancelled' }) reason?: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class ErrorView {
  @ApiProperty({ example: 400 }) statusCode: number;
  @ApiProperty({ example: 'Bad Request' }) error: string;
  @ApiProperty({ example: 'seats.0.row must be an integer number' }) message: string;
  @ApiPropertyOptional({ description: 'Echo of X-Request-Id' }) requestId?: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const BOOKING_STATUSES = ['PENDING', 'HELD', 'CONFIRMED', 'REJECTED', 'FAILED', 'EXPIRED', 'CANCELLED'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

/** A seat in an answer (requests are validated by `SeatSchema`). */
export class SeatView {
  @ApiProperty({ minimum: 1, example: 1 }) row: number;
  @ApiProperty({ minimum: 1, example: 5 }) col: number;
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
  @ApiProperty({ type: [SeatView], description: 'Seats asked for while PENDING; the seats held or sold once HELD or CONFIRMED' }) seats: SeatView[];
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

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { MAX_SEATS_PER_BOOKING } from './limits.js';

/** WAITING in line; BOOKED: seats came back and a booking was made; EXPIRED: that booking failed or expired; LEFT. */
export const WAITLIST_STATUSES = ['WAITING', 'BOOKED', 'EXPIRED', 'LEFT'] as const;
export type WaitlistStatus = (typeof WAITLIST_STATUSES)[number];

export class JoinWaitlistDto {
  @ApiProperty({ minimum: 1, maximum: MAX_SEATS_PER_BOOKING, example: 2, description: 'Seats wanted, best available, as for a booking' })
  @IsInt() @Min(1) @Max(MAX_SEATS_PER_BOOKING)
  quantity: number;
}

export class WaitlistEntryView {
  @ApiProperty({ nullable: true, type: Number, example: 1, description: 'Place among the buyers still waiting (1 = next); null once not waiting' })
  position: number | null;
  @ApiProperty() quantity: number;
  @ApiProperty({ enum: WAITLIST_STATUSES }) status: WaitlistStatus;
  @ApiPropertyOptional({ format: 'uuid', description: 'The booking made when seats came back: follow it at GET /bookings/{id}' })
  bookingId?: string;
}

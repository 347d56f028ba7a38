import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * `waiting`: in the queue; `admitted`: may book with `admissionToken` until `expiresAt`; `expired`: admitted, but the
 * token ran out unused; `used`: a booking was accepted with it; `open`: the event no longer has a waiting room.
 * After `expired` or `used`, joining again gives a new ticket at the back of the queue.
 */
export const QUEUE_STATES = ['waiting', 'admitted', 'expired', 'used', 'open'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

export class QueueTicketView {
  @ApiProperty({ example: '12-3f0c2b9e-6c1d-4f7a-9b8e-0d1c2b3a4f5e' }) ticketId: string;
  @ApiProperty() eventId: number;
  @ApiProperty({ description: "The ticket's place in the join order (1 = the first buyer who joined)" }) number: number;
  @ApiProperty({ description: 'Buyers to be admitted before this one, plus one; 0 once admitted' }) position: number;
  @ApiProperty() admitted: boolean;
  @ApiProperty({ enum: QUEUE_STATES }) state: QueueState;
  @ApiProperty({ description: 'position ÷ the admission rate, rounded up' }) estimatedWaitSeconds: number;
  @ApiPropertyOptional({ description: 'Send as X-Admission-Token with POST /bookings: bound to this buyer and event, good for one accepted booking' })
  admissionToken?: string;
  @ApiPropertyOptional({ description: 'When the admission token expires (ISO 8601)' }) expiresAt?: string;
}

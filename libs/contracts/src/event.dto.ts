import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { MAX_ADMISSION_RATE, MAX_GRID_SIDE, MAX_TICKETS_PER_BUYER } from './limits.js';

const ADMISSION_RATE_DESCRIPTION = 'Sell through a virtual waiting room admitting this many buyers a second: POST /bookings then needs X-Admission-Token';

export class CreateEventDto {
  @ApiProperty({ example: 'Arctic Monkeys, Wembley', maxLength: 200 })
  @IsString() @IsNotEmpty() @MaxLength(200)
  name: string;

  @ApiProperty({ minimum: 1, maximum: MAX_GRID_SIDE, example: 10 })
  @IsInt() @Min(1) @Max(MAX_GRID_SIDE)
  rows: number;

  @ApiProperty({ minimum: 1, maximum: MAX_GRID_SIDE, example: 10 })
  @IsInt() @Min(1) @Max(MAX_GRID_SIDE)
  cols: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_TICKETS_PER_BUYER, description: 'HELD or CONFIRMED seats one buyer may have for this event (default: MAX_TICKETS_PER_BUYER)' })
  @IsOptional() @IsInt() @Min(1) @Max(MAX_TICKETS_PER_BUYER)
  maxTicketsPerBuyer?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_ADMISSION_RATE, example: 200, description: ADMISSION_RATE_DESCRIPTION })
  @IsOptional() @IsInt() @Min(1) @Max(MAX_ADMISSION_RATE)
  admissionRatePerSecond?: number;
}

/** PATCH /events/{id}: what an admin may change while an event sells. */
export class UpdateEventDto {
  @ApiProperty({ type: Number, nullable: true, minimum: 1, maximum: MAX_ADMISSION_RATE, example: 200, description: `${ADMISSION_RATE_DESCRIPTION}; null removes the waiting room` })
  @ValidateIf((dto: UpdateEventDto) => dto.admissionRatePerSecond !== null) @IsInt() @Min(1) @Max(MAX_ADMISSION_RATE)
  admissionRatePerSecond: number | null;
}

export class EventView {
  @ApiProperty({ example: 42 }) id: number;
  @ApiProperty() name: string;
  @ApiProperty() rows: number;
  @ApiProperty() cols: number;
  @ApiProperty() totalSeats: number;
  @ApiProperty({ example: 10 }) maxTicketsPerBuyer: number;
  @ApiPropertyOptional({ description: 'Set when the event sells through a waiting room' }) admissionRatePerSecond?: number;
}

export class SeatCounts {
  @ApiProperty() available: number;
  @ApiProperty() held: number;
  @ApiProperty() booked: number;
}

export class EventDetailsView extends EventView {
  @ApiProperty({ type: SeatCounts }) seats: SeatCounts;
  @ApiProperty({ description: 'Convenience copies of seats.*' }) available: number;
  @ApiProperty() held: number;
  @ApiProperty() booked: number;
}

export const SEAT_STATUSES = ['AVAILABLE', 'HELD', 'BOOKED'] as const;
export type SeatStatus = (typeof SEAT_STATUSES)[number];

/** One character a seat, one string a row: a 100×100 map is ~10 kB of JSON instead of ~400 kB of objects. */
export const SEAT_MAP_LEGEND = { A: 'AVAILABLE', H: 'HELD', B: 'BOOKED' } as const;

export class SeatMapView {
  @ApiProperty() eventId: number;
  @ApiProperty() rows: number;
  @ApiProperty() cols: number;
  @ApiProperty({ example: SEAT_MAP_LEGEND, description: 'Meaning of each character in `seats`' })
  legend: typeof SEAT_MAP_LEGEND;
  @ApiProperty({
    type: [String],
    example: ['AABA', 'HAAA'],
    description: '`seats[r-1][c-1]` is the status of the seat at row r, column c (1-based), as a legend character',
  })
  seats: string[];
}

export class EventStatsView {
  @ApiProperty() eventId: number;
  @ApiProperty() totalSeats: number;
  @ApiProperty({ type: SeatCounts }) seats: SeatCounts;
  @ApiProperty({ example: { PENDING: 0, CONFIRMED: 10, REJECTED: 3 }, description: 'Bookings recorded by the inventory, by status' })
  bookings: Record<string, number>;
}

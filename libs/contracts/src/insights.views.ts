import { ApiProperty } from '@nestjs/swagger';

export class SeatAttemptsView {
  @ApiProperty({ example: 1 }) row: number;
  @ApiProperty({ example: 5 }) col: number;
  @ApiProperty({ description: 'Booking attempts that named this seat, refused at once by a gateway or not' }) attempts: number;
}

export class MinuteAttemptsView {
  @ApiProperty({ format: 'date-time', description: 'Start of the minute' }) minute: string;
  @ApiProperty() attempts: number;
}

export class InsightsView {
  @ApiProperty() eventId: number;
  @ApiProperty({ type: [SeatAttemptsView], description: 'The 20 most attempted seats, most attempted first' }) hotSeats: SeatAttemptsView[];
  @ApiProperty({ type: [MinuteAttemptsView], description: 'Booking attempts per minute over the last hour, oldest first; minutes without any are left out' })
  attemptsPerMinute: MinuteAttemptsView[];
  @ApiProperty({ description: 'GET /events/{id}/seats answered, 304s included' }) seatMapReads: number;
  @ApiProperty({ description: 'Booking attempts (POST /bookings for this event that passed validation), accepted or refused' }) attempts: number;
  @ApiProperty() confirmedBookings: number;
  @ApiProperty({ example: 0.0125, description: 'confirmedBookings / attempts (0 without attempts), 4 decimals' }) conversion: number;
}

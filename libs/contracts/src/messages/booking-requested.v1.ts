import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, Equals, IsArray, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { MAX_SEATS_PER_BOOKING, SeatDto } from '../booking.dto.js';

/** A buyer asked for seats; published by the gateway after validation, decided by the inventory. */
export class BookingRequestedV1 {
  static readonly type = 'booking.requested';
  static readonly version = 1;

  @Equals(BookingRequestedV1.type) type: typeof BookingRequestedV1.type;
  @Equals(BookingRequestedV1.version) version: typeof BookingRequestedV1.version;

  @IsUUID() bookingId: string;
  @IsInt() @Min(1) eventId: number;
  @IsString() @MinLength(1) @MaxLength(128) userId: string;

  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_SEATS_PER_BOOKING)
  @ValidateNested({ each: true }) @Type(() => SeatDto)
  seats?: SeatDto[];

  @IsOptional() @IsInt() @Min(1) @Max(MAX_SEATS_PER_BOOKING)
  quantity?: number;

  @IsISO8601() requestedAt: string;

  static create(fields: Omit<BookingRequestedV1, 'type' | 'version'>): BookingRequestedV1 {
    return Object.assign(new BookingRequestedV1(), { type: BookingRequestedV1.type, version: BookingRequestedV1.version, ...fields });
  }
}

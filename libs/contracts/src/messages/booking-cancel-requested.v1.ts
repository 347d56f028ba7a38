import { IsInt, IsISO8601, IsString, IsUUID, MaxLength, Min, MinLength, Equals } from 'class-validator';

/** The buyer asked to cancel; published by the gateway after checking ownership, carried out by the inventory saga. */
export class BookingCancelRequestedV1 {
  static readonly type = 'booking.cancel-requested';
  static readonly version = 1;

  @Equals(BookingCancelRequestedV1.type) type: typeof BookingCancelRequestedV1.type;
  @Equals(BookingCancelRequestedV1.version) version: typeof BookingCancelRequestedV1.version;

  @IsUUID() bookingId: string;
  @IsInt() @Min(1) eventId: number;
  @IsString() @MinLength(1) @MaxLength(128) userId: string;
  @IsISO8601() requestedAt: string;

  static create(fields: Omit<BookingCancelRequestedV1, 'type' | 'version'>): BookingCancelRequestedV1 {
    return Object.assign(new BookingCancelRequestedV1(), { type: BookingCancelRequestedV1.type, version: BookingCancelRequestedV1.version, ...fields });
  }
}

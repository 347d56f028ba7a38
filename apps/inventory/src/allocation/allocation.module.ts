import { Module } from '@nestjs/common';
import { BookingRepository } from './booking.repository.js';

/**
 * Seats to bookings in PostgreSQL: recording requests, finding free seats, the guarded claim, per-buyer counts and
 * the decisions themselves — shared by the batch decisions and the waitlist's hand-over.
 */
@Module({ providers: [BookingRepository], exports: [BookingRepository] })
export class AllocationModule {}

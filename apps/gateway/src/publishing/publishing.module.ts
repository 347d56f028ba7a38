import { Module } from '@nestjs/common';
import { BookingPublisher } from './booking.publisher.js';

/** The gateway's side of RabbitMQ: the booking command publisher, also asked by readiness. */
@Module({ providers: [BookingPublisher], exports: [BookingPublisher] })
export class PublishingModule {}

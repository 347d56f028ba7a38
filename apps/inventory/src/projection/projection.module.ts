import { Module } from '@nestjs/common';
import { BookingModule } from '@app/booking';
import { SeatMapModule } from '@app/seat-map';
import { OutboxModule } from '../outbox/outbox.module.js';
import { BookingProjections } from './booking-projections.js';
import { ProjectionReconciler } from './projection.reconciler.js';

/** The inventory's writes to the read side: write-through after each commit, and the reconciler behind it. */
@Module({ imports: [BookingModule, SeatMapModule, OutboxModule], providers: [BookingProjections, ProjectionReconciler], exports: [BookingProjections] })
export class ProjectionModule {}

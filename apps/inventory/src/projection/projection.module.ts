import { Global, Module } from '@nestjs/common';
import { BookingProjections } from './booking-projections.js';
import { ProjectionReconciler } from './projection.reconciler.js';

@Global()
@Module({ providers: [BookingProjections, ProjectionReconciler], exports: [BookingProjections] })
export class ProjectionModule {}

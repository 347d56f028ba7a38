import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { WaitlistController } from './waitlist.controller.js';
import { WaitlistRepository } from './waitlist.repository.js';

@Module({ imports: [EventsModule], controllers: [WaitlistController], providers: [WaitlistRepository] })
export class WaitlistModule {}

import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { EventsModule } from '../events/events.module.js';
import { WaitlistController } from './waitlist.controller.js';
import { WaitlistRepository } from './waitlist.repository.js';

@Module({ imports: [AuthModule, EventsModule], controllers: [WaitlistController], providers: [WaitlistRepository] })
export class WaitlistModule {}

import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CatalogModule } from '../catalog/catalog.module.js';
import { WaitlistController } from './waitlist.controller.js';
import { WaitlistRepository } from './waitlist.repository.js';

@Module({ imports: [AuthModule, CatalogModule], controllers: [WaitlistController], providers: [WaitlistRepository] })
export class WaitlistModule {}

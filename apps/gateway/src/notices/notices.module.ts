import { Module } from '@nestjs/common';
import { RedisModule } from '@app/redis';
import { NoticeBus } from './notice-bus.js';

@Module({ imports: [RedisModule], providers: [NoticeBus], exports: [NoticeBus] })
export class NoticesModule {}

import { Module } from '@nestjs/common';
import { ReadReplicaModule } from '@app/database/replica/index.js';
import { RedisModule } from '@app/redis';
import { NoticesModule } from '../notices/notices.module.js';
import { EventCatalog } from './event-catalog.js';
import { EventsRepository } from './events.repository.js';

/** The events a gateway knows, held in memory and kept current across gateways: what every other module builds on. */
@Module({
  imports: [NoticesModule, ReadReplicaModule, RedisModule],
  providers: [EventCatalog, EventsRepository],
  exports: [EventCatalog, EventsRepository],
})
export class CatalogModule {}

import { Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { RedisModule } from '@app/redis';
import { AuthModule } from '../auth/auth.module.js';
import { CatalogModule } from '../catalog/catalog.module.js';
import { StreamModule } from '../stream/stream.module.js';
import { AdmissionGate } from './admission-gate.js';
import { AdmissionTokens } from './admission-token.js';
import { QueueWatchers } from './queue-watchers.js';
import { WaitingRoomController } from './waiting-room.controller.js';
import { WaitingRoomQueue } from './waiting-room.queue.js';
import { WaitingRoomService } from './waiting-room.service.js';

/** Virtual waiting rooms: the queues, their followers over SSE, and the admission check of the booking path. */
@Module({
  imports: [AuthModule, CatalogModule, RedisModule, StreamModule],
  controllers: [WaitingRoomController],
  providers: [
    { provide: AdmissionTokens, useFactory: (config: AppConfig) => new AdmissionTokens(config.waitingRoom.tokenSecret), inject: [AppConfig] },
    AdmissionGate,
    QueueWatchers,
    WaitingRoomQueue,
    WaitingRoomService,
  ],
  exports: [AdmissionGate],
})
export class WaitingRoomModule {}

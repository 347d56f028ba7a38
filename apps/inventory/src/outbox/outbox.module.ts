import { Global, Module } from '@nestjs/common';
import { OutboxRelay } from './outbox.relay.js';
import { OutboxRepository } from './outbox.repository.js';

@Global()
@Module({ providers: [OutboxRepository, OutboxRelay], exports: [OutboxRepository, OutboxRelay] })
export class OutboxModule {}

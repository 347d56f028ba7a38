import { Module } from '@nestjs/common';
import { ConsumerModule } from '../consumer/consumer.module.js';
import { ShardMembersRepository } from './shard-members.repository.js';
import { ShardOwnership } from './shard-ownership.service.js';

@Module({ imports: [ConsumerModule], providers: [ShardMembersRepository, ShardOwnership], exports: [ShardOwnership] })
export class ShardingModule {}

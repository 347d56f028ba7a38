import { Module } from '@nestjs/common';
import { ConsumerModule } from '../consumer/consumer.module.js';
import { InventoryMonitor } from './inventory.monitor.js';

@Module({ imports: [ConsumerModule], providers: [InventoryMonitor] })
export class MonitoringModule {}

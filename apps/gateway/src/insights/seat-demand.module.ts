import { Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppConfig } from '@app/config';
import { ReadReplicaModule, StaleReads } from '@app/database/replica/index.js';
import { ClickHouseDemandSink } from './clickhouse-demand.sink.js';
import { DemandSink } from './demand-sink.js';
import { PostgresDemandSink } from './postgres-demand.sink.js';
import { SeatDemand } from './seat-demand.js';

/** Counting seat demand (the booking path and seat-map reads count into it) and the sink it is added up in. */
@Module({
  imports: [ReadReplicaModule],
  providers: [
    SeatDemand,
    {
      provide: DemandSink,
      inject: [AppConfig, getDataSourceToken(), StaleReads],
      useFactory: (config: AppConfig, primary: DataSource, reads: StaleReads): DemandSink =>
        config.insights.clickhouseUrl ? new ClickHouseDemandSink(config.insights.clickhouseUrl) : new PostgresDemandSink(primary, reads),
    },
  ],
  exports: [SeatDemand, DemandSink],
})
export class SeatDemandModule {}

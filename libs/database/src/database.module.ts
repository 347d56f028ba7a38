import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@app/config';
import { buildDataSourceOptions, READS } from './database.options.js';

/** How long a cold read waits for a connection of its own small pool before the request is answered 503. */
const READ_ACQUIRE_TIMEOUT_MS = 2000;

/**
 * The PostgreSQL pools of an app: the default DataSource (decisions, writes, health), and with `reads` a separate
 * small one for cold reads (`@InjectDataSource(READS)`).
 */
@Module({})
export class DatabaseModule {
  static forRoot({ reads = false } = {}): DynamicModule {
    const pools = [TypeOrmModule.forRootAsync({ inject: [AppConfig], useFactory: (config: AppConfig) => buildDataSourceOptions(config) })];
    if (reads) {
      pools.push(
        TypeOrmModule.forRootAsync({
          name: READS,
          inject: [AppConfig],
          useFactory: (config: AppConfig) => buildDataSourceOptions(config, { poolSize: config.database.readPoolSize, acquireTimeoutMs: READ_ACQUIRE_TIMEOUT_MS }),
        }),
      );
    }
    return { module: DatabaseModule, imports: pools, global: true };
  }
}

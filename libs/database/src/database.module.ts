import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@app/config';
import { buildDataSourceOptions } from './database.options.js';
import { SeatStateReader } from './seat-state.reader.js';

/** The PostgreSQL connection pool shared by an app's repositories (schema comes only from migrations). */
@Global()
@Module({
  imports: [TypeOrmModule.forRootAsync({ inject: [AppConfig], useFactory: (config: AppConfig) => buildDataSourceOptions(config) })],
  providers: [SeatStateReader],
  exports: [SeatStateReader],
})
export class DatabaseModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@app/config';
import { buildDataSourceOptions } from './database.options.js';

/** The PostgreSQL connection pool shared by an app's repositories (schema comes only from migrations). */
@Module({
  imports: [TypeOrmModule.forRootAsync({ inject: [AppConfig], useFactory: (config: AppConfig) => buildDataSourceOptions(config) })],
})
export class DatabaseModule {}

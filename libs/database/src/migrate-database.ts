import { DataSource, type MigrationInterface } from 'typeorm';
import type { AppConfig } from '@app/config';
import { buildDataSourceOptions, MIGRATIONS } from './database.options.js';

/** Arbitrary constant: serialises migration runs of several replicas starting at once. */
const MIGRATION_LOCK_ID = 7_140_221;

/** Creates the database named in DATABASE_URL when it does not exist (connected to the `postgres` database). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const server = await new DataSource({ type: 'postgres', url: admin.toString(), extra: { max: 1 } }).initialize();
  try {
    const found: unknown[] = await server.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.length === 0) await server.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`).catch(ignoreDuplicateDatabase);
  } finally {
    await server.destroy();
  }
}

function ignoreDuplicateDatabase(error: { code?: string }): void {
  if (error.code !== '42P04' && error.code !== '23505') throw error;
}

/**
 * Creates the database if needed and applies every pending migration (SeatGrid's, plus `extra` ones such as the
 * payment provider's ledger); safe to run from several processes at once.
 */
export async function migrateDatabase(config: Pick<AppConfig, 'database'>, extra: (new () => MigrationInterface)[] = []): Promise<string[]> {
  await ensureDatabase(config.database.url);
  const dataSource = await new DataSource(buildDataSourceOptions(config, { poolSize: 2, migrations: [...MIGRATIONS, ...extra] })).initialize();
  const lock = dataSource.createQueryRunner();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    const applied = await dataSource.runMigrations();
    return applied.map((migration) => migration.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await lock.release();
    await dataSource.destroy();
  }
}

import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '@app/database';
import { TestEnvironment, waitFor } from './test-system.js';

/** A transaction on a connection of its own, left open so that a repository call can run into its locks. */
export interface OpenTransaction {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/**
 * A freshly migrated database of the test's own and a DataSource built with the apps' own options, for repository
 * specs: the repositories run against real PostgreSQL, with no Nest app around them.
 */
export class RepositoryDatabase {
  readonly env = new TestEnvironment();
  dataSource!: DataSource;
  private readonly clients: Client[] = [];

  async start(): Promise<this> {
    await this.env.migrate();
    this.dataSource = await new DataSource(buildDataSourceOptions(this.env.config, { poolSize: 6 })).initialize();
    return this;
  }

  async destroy(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((client) => client.end().catch(() => undefined)));
    await this.dataSource?.destroy();
    await this.env.destroy();
  }

  /** An event of rows × cols AVAILABLE seats, as the gateway creates one. */
  async createEvent(rows: number, cols: number): Promise<number> {
    const [{ id }] = await this.dataSource.query(`INSERT INTO events (name, rows, cols) VALUES ('repository spec', $1, $2) RETURNING id`, [rows, cols]);
    await this.dataSource.query('INSERT INTO seats (event_id, seat_row, seat_col) SELECT $1, r, c FROM generate_series(1, $2::int) AS r, generate_series(1, $3::int) AS c', [id, rows, cols]);
    return Number(id);
  }

  async sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return this.dataSource.query(text, params);
  }

  async openTransaction(): Promise<OpenTransaction> {
    const client = new Client({ connectionString: this.env.config.database.url });
    this.clients.push(client);
    await client.connect();
    await client.query('BEGIN');
    const end = async (command: string) => {
      await client.query(command);
      await client.end();
    };
    return {
      query: async <T>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows as T[],
      commit: () => end('COMMIT'),
      rollback: () => end('ROLLBACK'),
    };
  }

  /** Until `count` sessions of this database wait for a lock another transaction holds. */
  waitForLockWaiters(count: number, what: string): Promise<void> {
    return waitFor(
      async () => {
        const [{ waiting }] = await this.sql<{ waiting: number }>(`SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
        return waiting >= count;
      },
      what,
      10_000,
    );
  }
}

/** A RepositoryDatabase of the spec file's own: started before its tests, destroyed after them. */
export function repositoryDatabase(): RepositoryDatabase {
  const db = new RepositoryDatabase();
  beforeAll(() => db.start());
  afterAll(() => db.destroy());
  return db;
}

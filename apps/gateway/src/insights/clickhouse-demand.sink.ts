import { type ClickHouseClient, createClient } from '@clickhouse/client';
import { type DemandBatch, DemandSink, HOT_SEATS, MINUTES_SHOWN, type StoredDemand } from './demand-sink.js';

/** Rows with the same key are added up by ClickHouse as it merges parts; reads sum them anyway (merges are lazy). */
const TABLES = [
  `CREATE TABLE IF NOT EXISTS seatgrid_seat_demand (event_id UInt64, seat_row UInt16, seat_col UInt16, attempts UInt64)
   ENGINE = SummingMergeTree() ORDER BY (event_id, seat_row, seat_col)`,
  `CREATE TABLE IF NOT EXISTS seatgrid_event_demand (event_id UInt64, minute UInt32, attempts UInt64, seat_map_reads UInt64)
   ENGINE = SummingMergeTree() ORDER BY (event_id, minute)`,
];

/**
 * The insights sink for scale: ClickHouse through its official client, at CLICKHOUSE_URL (a path names the database).
 * Tables are created on first use. Event ids are validated integers written into the SQL: ClickHouse before 19.x has
 * no query parameters.
 */
export class ClickHouseDemandSink extends DemandSink {
  private readonly client: ClickHouseClient;
  private tablesReady?: Promise<void>;

  constructor(url: string) {
    super();
    this.client = createClient({ url, request_timeout: 5000 });
  }

  async record({ minute, events }: DemandBatch): Promise<void> {
    await this.tables();
    const at = Math.floor(minute.getTime() / 1000);
    const seats = events.flatMap(({ eventId, seats }) => seats.map(({ row, col, attempts }) => ({ event_id: eventId, seat_row: row, seat_col: col, attempts })));
    const perMinute = events.map(({ eventId, attempts, seatMapReads }) => ({ event_id: eventId, minute: at, attempts, seat_map_reads: seatMapReads }));
    await this.client.insert({ table: 'seatgrid_event_demand', values: perMinute, format: 'JSONEachRow' });
    if (seats.length > 0) await this.client.insert({ table: 'seatgrid_seat_demand', values: seats, format: 'JSONEachRow' });
  }

  async read(eventId: number): Promise<StoredDemand> {
    await this.tables();
    const id = integer(eventId);
    const since = Math.floor(Date.now() / 1000) - MINUTES_SHOWN * 60;
    const [hot, minutes, [totals]] = await Promise.all([
      this.rows<{ row: number; col: number; attempts: string }>(
        `SELECT seat_row AS row, seat_col AS col, sum(attempts) AS attempts FROM seatgrid_seat_demand WHERE event_id = ${id}
         GROUP BY seat_row, seat_col ORDER BY attempts DESC, row, col LIMIT ${HOT_SEATS}`,
      ),
      this.rows<{ minute: number; attempts: string }>(
        `SELECT minute, sum(attempts) AS attempts FROM seatgrid_event_demand WHERE event_id = ${id} AND minute > ${since}
         GROUP BY minute HAVING attempts > 0 ORDER BY minute`,
      ),
      this.rows<{ attempts: string; reads: string }>(`SELECT sum(attempts) AS attempts, sum(seat_map_reads) AS reads FROM seatgrid_event_demand WHERE event_id = ${id}`),
    ]);
    return {
      hotSeats: hot.map(({ row, col, attempts }) => ({ row, col, attempts: Number(attempts) })),
      attemptsPerMinute: minutes.map(({ minute, attempts }) => ({ minute: new Date(minute * 1000).toISOString(), attempts: Number(attempts) })),
      attempts: Number(totals?.attempts ?? 0),
      seatMapReads: Number(totals?.reads ?? 0),
    };
  }

  close(): Promise<void> {
    return this.client.close();
  }

  private async rows<T>(query: string): Promise<T[]> {
    return (await this.client.query({ query, format: 'JSONEachRow' })).json<T>();
  }

  /** Created once; a failed attempt is tried again by the next call. */
  private tables(): Promise<void> {
    this.tablesReady ??= (async () => {
      for (const query of TABLES) await this.client.command({ query });
    })().catch((error: unknown) => {
      this.tablesReady = undefined;
      throw error;
    });
    return this.tablesReady;
  }
}

function integer(value: number): number {
  if (!Number.isSafeInteger(value)) throw new Error(`not an integer: ${value}`);
  return value;
}

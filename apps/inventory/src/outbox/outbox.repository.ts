import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface OutboxRow {
  id: string;
  event_id: string;
  event_type: string;
  routing_key: string;
  /** The event's JSON as PostgreSQL stored it: published as it is, never parsed here. */
  payload: string;
  attempts: number;
}

@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Runs `publish` on the oldest due rows, locked for this relay only, and deletes those the broker confirmed: the
   * table holds only what is still to be published. Safe under concurrency: SKIP LOCKED gives each relay replica a
   * disjoint set, and a row goes only after its confirm (a crash in between publishes it again, same messageId).
   */
  relayBatch(limit: number, publish: (rows: OutboxRow[]) => Promise<Set<string>>): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: OutboxRow[] = await manager.query(
        `SELECT id, event_id, event_type, routing_key, payload::text AS payload, attempts FROM outbox WHERE next_attempt_at <= now() ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (rows.length === 0) return 0;
      const sent = await publish(rows);
      const failed = rows.filter((row) => !sent.has(row.id));
      if (sent.size > 0) await manager.query('DELETE FROM outbox WHERE event_id = ANY($1::bigint[]) AND id = ANY($2::bigint[])', keysOf(rows.filter((row) => sent.has(row.id))));
      // Exponential backoff per row, capped at a minute.
      if (failed.length > 0) {
        await manager.query(
          `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = now() + least(interval '60 seconds', interval '100 milliseconds' * power(2, attempts))
           WHERE event_id = ANY($1::bigint[]) AND id = ANY($2::bigint[])`,
          keysOf(failed),
        );
      }
      return rows.length;
    });
  }
}

/** The events let PostgreSQL read only their partitions; the ids, unique on their own, pick the rows. */
function keysOf(rows: OutboxRow[]): [string[], string[]] {
  return [rows.map((row) => row.event_id), rows.map((row) => row.id)];
}

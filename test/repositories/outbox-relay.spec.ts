import { OutboxRepository, type OutboxRow } from '../../apps/inventory/src/outbox/outbox.repository.js';
import { repositoryDatabase } from '../support/repository-database.js';
import { waitFor } from '../support/test-system.js';

describe('outbox relay (OutboxRepository.relayBatch)', () => {
  const db = repositoryDatabase();
  let outbox: OutboxRepository;
  beforeAll(() => {
    outbox = new OutboxRepository(db.dataSource);
  });
  // The outbox is one table for all events: each test starts from an empty one.
  beforeEach(() => db.sql('DELETE FROM outbox'));

  /** Rows as the saga writes them, one per `attempts` given; answers their ids in order. */
  async function addRows(...attempts: number[]): Promise<string[]> {
    const rows = await db.sql<{ id: string }>(
      `INSERT INTO outbox (event_id, event_type, routing_key, payload, attempts)
       SELECT n, 'booking.confirmed', 'booking.confirmed.' || n, jsonb_build_object('type', 'booking.confirmed', 'eventId', n), a
       FROM unnest($1::int[]) WITH ORDINALITY AS t(a, n) ORDER BY n RETURNING id`,
      [attempts],
    );
    return rows.map((row) => row.id);
  }
  const ids = (rows: OutboxRow[]) => rows.map((row) => row.id);
  const remaining = () => db.sql<{ id: string; attempts: number; due: boolean }>('SELECT id, attempts, next_attempt_at <= now() AS due FROM outbox ORDER BY id');

  it('should give two relays running at once disjoint rows, so that no row is published by both', async () => {
    const all = await addRows(0, 0, 0, 0, 0, 0);
    let firstRows: OutboxRow[] = [];
    let secondRows: OutboxRow[] | undefined;
    let releaseFirst!: () => void;
    const firstPublishing = new Promise<void>((resolve) => (releaseFirst = resolve));
    const first = outbox.relayBatch(3, async (rows) => {
      firstRows = rows;
      await firstPublishing;
      return new Set(ids(rows));
    });
    try {
      await waitFor(() => firstRows.length > 0, 'the first relay to lock its rows');
      const second = outbox.relayBatch(6, async (rows) => {
        secondRows = rows;
        return new Set(ids(rows));
      });
      await waitFor(() => secondRows !== undefined, 'the second relay to get rows while the first still holds its own');
      await second;
    } finally {
      releaseFirst();
    }
    await first;

    expect(ids(firstRows)).toEqual(all.slice(0, 3));
    expect(ids(secondRows!)).toEqual(all.slice(3));
    expect(await remaining()).toEqual([]);
  });

  it('should hand over the payload as PostgreSQL stored it, oldest due row first', async () => {
    const [older, newer] = await addRows(0, 0);
    await db.sql(`UPDATE outbox SET next_attempt_at = now() + interval '1 hour' WHERE id = $1`, [newer]);
    let published: OutboxRow[] = [];
    await outbox.relayBatch(10, async (rows) => {
      published = rows;
      return new Set();
    });
    expect(published).toEqual([{ id: older, event_id: '1', event_type: 'booking.confirmed', routing_key: 'booking.confirmed.1', payload: '{"type": "booking.confirmed", "eventId": 1}', attempts: 0 }]);
  });

  it('should delete the rows the broker confirmed, and put the others off until their next attempt', async () => {
    // Ten failures before: the next pause is the longest (a minute), so the row is surely not due when looked at.
    const [confirmed, unconfirmed] = await addRows(10, 10);
    expect(await outbox.relayBatch(10, async () => new Set([confirmed]))).toBe(2);
    expect(await remaining()).toEqual([{ id: unconfirmed, attempts: 11, due: false }]);

    const offered: OutboxRow[] = [];
    const again = await outbox.relayBatch(10, async (rows) => {
      offered.push(...rows);
      return new Set(ids(rows));
    });
    expect(again).toBe(0);
    expect(offered).toEqual([]);
  });

  it('should double the pause with every failed attempt, up to a minute', async () => {
    const rows = await addRows(0, 1, 2, 10);
    await outbox.relayBatch(10, async () => new Set());
    // One transaction, one now(): the gaps between the rows' next attempts are exactly the differences of their pauses.
    const next = await db.sql<{ id: string; at: string }>(`SELECT id, extract(epoch FROM next_attempt_at)::numeric(20, 3)::text AS at FROM outbox ORDER BY id`);
    const first = Number(next[0].at);
    expect(next.map((row) => row.id)).toEqual(rows);
    expect(next.map((row) => Math.round((Number(row.at) - first) * 1000))).toEqual([0, 100, 300, 59_900]);
  });

  it('should keep every row as it was when publishing fails outright', async () => {
    const [id] = await addRows(0);
    await expect(outbox.relayBatch(10, async () => Promise.reject(new Error('channel closed')))).rejects.toThrow('channel closed');
    expect(await remaining()).toEqual([{ id, attempts: 0, due: true }]);
  });
});

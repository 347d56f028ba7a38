import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** Members unheard of for this long are deleted: a crashed replica's row does not stay forever. */
const FORGET_AFTER = '10 minutes';

@Injectable()
export class ShardMembersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Refreshes `memberId`'s heartbeat and answers every member heard from within `leaseSeconds`, itself included.
   * Safe under concurrency: each replica writes only its own row, and freshness is judged by PostgreSQL's clock.
   */
  async heartbeat(memberId: string, leaseSeconds: number): Promise<string[]> {
    const rows: { member_id: string }[] = await this.dataSource.query(
      `WITH beat AS (
         INSERT INTO inventory_members (member_id) VALUES ($1)
         ON CONFLICT (member_id) DO UPDATE SET heartbeat_at = now() RETURNING member_id
       ), forgotten AS (
         DELETE FROM inventory_members WHERE heartbeat_at < now() - interval '${FORGET_AFTER}'
       )
       SELECT member_id FROM beat
       UNION
       SELECT member_id FROM inventory_members WHERE heartbeat_at > now() - make_interval(secs => $2)`,
      [memberId, leaseSeconds],
    );
    return rows.map((row) => row.member_id);
  }

  /** A replica stopping cleanly leaves at once, so that the others take its shards on their next heartbeat. */
  async leave(memberId: string): Promise<void> {
    await this.dataSource.query('DELETE FROM inventory_members WHERE member_id = $1', [memberId]);
  }
}

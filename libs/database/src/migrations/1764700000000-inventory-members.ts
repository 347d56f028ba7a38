import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The inventory replicas alive now: each refreshes its row every second, and every replica derives the same shard
 * assignment from the rows still fresh. PostgreSQL's clock alone decides freshness, so replica clocks never matter.
 */
export class InventoryMembers1764700000000 implements MigrationInterface {
  name = 'InventoryMembers1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE inventory_members (
        member_id text PRIMARY KEY,
        joined_at timestamptz NOT NULL DEFAULT now(),
        heartbeat_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE inventory_members`);
  }
}

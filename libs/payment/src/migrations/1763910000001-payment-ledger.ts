import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The mock payment provider's own ledger: one row per idempotency key, so nobody is charged twice. IF NOT EXISTS:
 * databases created before the provider had its own migration already have the table.
 */
export class PaymentLedger1763910000001 implements MigrationInterface {
  name = 'PaymentLedger1763910000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS payments (
        idempotency_key text PRIMARY KEY,
        amount_cents int NOT NULL,
        status text NOT NULL CHECK (status IN ('CHARGED', 'DECLINED', 'REFUNDED')),
        attempts int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE payments`);
  }
}

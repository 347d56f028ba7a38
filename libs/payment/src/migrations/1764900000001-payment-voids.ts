import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A refund that finds no charge leaves a VOIDED row behind, so a charge for that key that arrives later (a retry still
 * in flight when the saga gave up) is declined instead of taking money for a booking that already failed.
 */
export class PaymentVoids1764900000001 implements MigrationInterface {
  name = 'PaymentVoids1764900000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE payments DROP CONSTRAINT IF EXISTS payments_status_check`);
    await queryRunner.query(`ALTER TABLE payments ADD CONSTRAINT payments_status_check CHECK (status IN ('CHARGED', 'DECLINED', 'REFUNDED', 'VOIDED'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM payments WHERE status = 'VOIDED'`);
    await queryRunner.query(`ALTER TABLE payments DROP CONSTRAINT payments_status_check`);
    await queryRunner.query(`ALTER TABLE payments ADD CONSTRAINT payments_status_check CHECK (status IN ('CHARGED', 'DECLINED', 'REFUNDED'))`);
  }
}

import { PaymentLedger1763910000001 } from './migrations/1763910000001-payment-ledger.js';
import { PaymentVoids1764900000001 } from './migrations/1764900000001-payment-voids.js';

/** The provider's own schema, run together with SeatGrid's migrations. */
export const PAYMENT_MIGRATIONS = [PaymentLedger1763910000001, PaymentVoids1764900000001];

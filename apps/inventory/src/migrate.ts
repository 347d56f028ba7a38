import { loadConfigOrExit } from '@app/config';
import { migrateDatabase } from '@app/database';
import { PAYMENT_MIGRATIONS } from '@app/payment';

/** `npm run migrate`: creates the database if missing and applies pending migrations (the payment ledger's too), then exits. */
const applied = await migrateDatabase(loadConfigOrExit('migrate'), PAYMENT_MIGRATIONS);
console.log(applied.length > 0 ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');

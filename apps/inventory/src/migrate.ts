import { loadConfigOrExit } from '@app/config';
import { migrateDatabase } from '@app/database';

/** `npm run migrate`: creates the database if missing and applies pending migrations, then exits. */
const applied = await migrateDatabase(loadConfigOrExit('migrate'));
console.log(applied.length > 0 ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');

// Apart from '@app/database': these pull in the metrics catalogue, which scripts and test support do without.
export * from './read-replica.module.js';
export * from './stale-reads.js';

import { ClickHouseServer } from '../support/clickhouse-server.js';
import { describeInsights } from '../support/insights-scenario.js';
import type { TestEnvironment } from '../support/test-system.js';

// Not part of `npm test` (a fresh machine has no ClickHouse): run with `npm run test:clickhouse`, see README.
let clickhouse: ClickHouseServer;
beforeAll(async () => {
  clickhouse = await ClickHouseServer.start();
});
afterAll(() => clickhouse.stop());

/** Seat rows in ClickHouse, and none in PostgreSQL's rollup table. */
async function seatRowsInClickHouse(env: TestEnvironment): Promise<number> {
  expect(await env.sql('SELECT 1 FROM seat_demand')).toEqual([]);
  const answer = await fetch(`${clickhouse.url}/?query=${encodeURIComponent('SELECT count() FROM seatgrid_seat_demand')}`);
  return Number((await answer.text()).trim());
}

describeInsights('seat-demand insights in ClickHouse (CLICKHOUSE_URL)', () => ({ CLICKHOUSE_URL: clickhouse.url }), seatRowsInClickHouse);

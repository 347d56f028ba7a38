import { describeInsights } from './support/insights-scenario.js';

describeInsights('seat-demand insights in PostgreSQL (the default sink)', () => ({}), async (env) => (await env.sql('SELECT 1 FROM seat_demand')).length);

import { View, parse } from 'vega';
import { type TopLevelSpec, compile } from 'vega-lite';
import type { LatencySummary } from './load.js';
import type { RunResult } from './result.js';

const PERCENTILES: [label: string, key: keyof LatencySummary][] = [
  ['p50', 'p50'],
  ['p75', 'p75'],
  ['p90', 'p90'],
  ['p95', 'p95'],
  ['p99', 'p99'],
  ['p99.9', 'p999'],
  ['max', 'max'],
];

/** The lines of the chart: the herd's intake against its two baselines, then the other latencies worth a glance. */
const SERIES: [label: string, run: string, phase: string | 'decision'][] = [
  ['herd intake: gateway', 'herd', 'intake'],
  ['herd intake: bare Node', 'bare-node-herd', 'intake'],
  ['herd intake: synchronous', 'sync-herd', 'intake'],
  ['herd decision (202 → terminal)', 'herd', 'decision'],
  ['sold-out intake', 'sold-out', 'intake'],
  ['seat-map reads', 'seat-map', 'reads'],
  ['closed loop: bare Node', 'bare-node-requests', 'requests'],
];

/** Latency by percentile on a log scale, as an SVG rendered in Node by Vega (no canvas needed for SVG). */
export async function latencyChart(runs: RunResult[]): Promise<string> {
  const values = SERIES.flatMap(([series, runName, phase]) => {
    const run = runs.find((r) => r.name === runName);
    const latency = phase === 'decision' ? run?.decisionMs : run?.http[phase]?.latencyMs;
    if (!latency || latency.count === 0) return [];
    // A log scale cannot show 0; 10 µs is below anything measured here.
    return PERCENTILES.map(([percentile, key]) => ({ series, percentile, ms: Math.max(latency[key], 0.01) }));
  });
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Latency by percentile (ms, log scale)',
    width: 560,
    height: 320,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'percentile', type: 'ordinal', sort: PERCENTILES.map(([label]) => label), title: null },
      y: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'ms' },
      color: { field: 'series', type: 'nominal', sort: SERIES.map(([label]) => label), title: null, legend: { labelLimit: 300 } },
    },
  };
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

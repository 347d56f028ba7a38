import type { HttpSummary, LatencySummary } from './load.js';
import type { ProfileSummary } from './profile.js';
import type { Aim, BenchResult, Ratio, RunResult } from './result.js';

/** The aims, for this 2-core machine: benchmarks to report as met or missed, not tests. */
const AIM = {
  intakeP99VsBare: 1.5,
  tokenIntakeP99VsBare: 2,
  answersVsSync: 4,
  cpuVsBare: 1.5,
  soldOutVsBare: 0.8,
  seatMapVsBare: 0.8,
  decisionsVsUpdates: 2,
  drainMs: 2000,
  acceptedPerSeat: 2,
  rssMb: 150,
};

type Runs = Map<string, RunResult>;

/** Ratios between runs of the same bench run (a noisy machine slows numerator and denominator alike). */
export function ratiosOf(runs: Runs): Ratio[] {
  const ratios: Ratio[] = [];
  const add = (name: string, numerator: [string, number | undefined], denominator: [string, number | undefined]) => {
    if (numerator[1] !== undefined && denominator[1] !== undefined && denominator[1] > 0) {
      ratios.push({ name, value: round3(numerator[1] / denominator[1]), numerator: `${numerator[0]} = ${fmt(numerator[1])}`, denominator: `${denominator[0]} = ${fmt(denominator[1])}` });
    }
  };
  const herd = runs.get('herd');
  const bare = runs.get('bare-node-herd');
  const floor = runs.get('nest-floor-herd');
  const sync = runs.get('sync-herd');
  const bareRps = runs.get('bare-node-requests')?.http.requests?.rps;
  add('herd intake p99: gateway ÷ bare Node', ['gateway p99 ms', herd?.http.intake.latencyMs.p99], ['bare Node p99 ms', bare?.http.intake.latencyMs.p99]);
  add('herd intake p99 with signed tokens: gateway ÷ bare Node', ['gateway (jwt) p99 ms', runs.get('herd-jwt')?.http.intake.latencyMs.p99], ['bare Node p99 ms', bare?.http.intake.latencyMs.p99]);
  add('herd intake p99: empty NestJS route ÷ bare Node', ['NestJS floor p99 ms', floor?.http.intake.latencyMs.p99], ['bare Node p99 ms', bare?.http.intake.latencyMs.p99]);
  add('herd answers/s: gateway ÷ synchronous', ['gateway answers/s', herd?.http.intake.rps], ['synchronous answers/s', sync?.http.intake.rps]);
  add('herd intake p95: synchronous ÷ gateway', ['synchronous p95 ms', sync?.http.intake.latencyMs.p95], ['gateway p95 ms', herd?.http.intake.latencyMs.p95]);
  add('sold-out requests/s ÷ bare Node', ['sold-out req/s', runs.get('sold-out')?.http.intake.rps], ['bare Node req/s', bareRps]);
  add('seat-map requests/s ÷ bare Node', ['seat-map req/s', runs.get('seat-map')?.http.reads.rps], ['bare Node req/s', bareRps]);
  add('inventory decisions/s ÷ single-row UPDATE tps', ['decisions/s', runs.get('decisions')?.metrics.decisionsPerSecond], ['UPDATE tps', runs.get('pg-updates')?.metrics.tps]);
  add('herd CPU per request: gateway ÷ bare Node', ['gateway CPU µs/request', cpuPerRequestUs(herd, 'gateway', 'intake')], ['bare Node CPU µs/request', cpuPerRequestUs(bare, 'bare-node', 'intake')]);
  add('herd CPU per request with signed tokens: gateway ÷ bare Node', ['gateway (jwt) CPU µs/request', cpuPerRequestUs(runs.get('herd-jwt'), 'gateway', 'intake')], ['bare Node CPU µs/request', cpuPerRequestUs(bare, 'bare-node', 'intake')]);
  add('herd CPU per request: empty NestJS route ÷ bare Node', ['NestJS floor CPU µs/request', cpuPerRequestUs(floor, 'nest-floor', 'intake')], ['bare Node CPU µs/request', cpuPerRequestUs(bare, 'bare-node', 'intake')]);
  return ratios;
}

export function aimsOf(runs: Runs, ratios: Ratio[], seats: number): Aim[] {
  const aims: Aim[] = [];
  const herd = runs.get('herd');
  if (herd) {
    const requests = [herd.http.intake, herd.http.polls];
    const serverErrors = requests.reduce((sum, h) => sum + count5xx(h), 0);
    const dropped = requests.reduce((sum, h) => sum + Object.values(h.errors).reduce((a, n) => a + n, 0), 0);
    aims.push({ name: 'Herd: no 5xx, no dropped connections', target: '0', measured: `${serverErrors} 5xx, ${dropped} without an answer`, met: serverErrors + dropped === 0 });
    aims.push({ name: `Herd: exactly ${seats} seats sold`, target: String(seats), measured: String(herd.metrics.seatsSold), met: herd.metrics.seatsSold === seats });
    const allDecided = herd.checks.find((c) => c.name === 'every accepted booking terminal')?.ok === true;
    const drain = herd.metrics.lastDecisionAfterLastRequestMs;
    const afterAnswer = herd.metrics.lastDecisionAfterLastAnswerMs;
    const toAnswer = afterAnswer >= 0 ? `${fmt(afterAnswer)} ms after the last answer` : `${fmt(-afterAnswer)} ms before the last answer`;
    aims.push({
      name: 'Herd: every booking decided within 2 s of the last request',
      target: `≤ ${AIM.drainMs} ms`,
      measured: `last decision ${fmt(drain)} ms after the last request was sent (${toAnswer})${allDecided ? '' : ', not all decided'}`,
      met: allDecided && drain <= AIM.drainMs,
    });
    const maxAccepted = AIM.acceptedPerSeat * seats;
    aims.push({ name: `Herd: at most ${AIM.acceptedPerSeat} accepted bookings a seat`, target: `≤ ${maxAccepted}`, measured: `${fmt(herd.metrics.accepted)} accepted for ${seats} seats`, met: herd.metrics.accepted <= maxAccepted });
    const rss = (herd.usage?.processes ?? []).map((p) => `${p.name} ${p.endRssMb} MB`);
    const largest = Math.max(...(herd.usage?.processes ?? []).map((p) => p.endRssMb));
    aims.push({ name: `Memory: every app process under ${AIM.rssMb} MB RSS after the herd`, target: `≤ ${AIM.rssMb} MB`, measured: rss.join(', '), met: largest <= AIM.rssMb });
  }
  const pushRatio = (name: string, ratioName: string, target: number, atLeast: boolean) => {
    const r = ratios.find((ratio) => ratio.name === ratioName);
    if (r) aims.push({ name, target: `${atLeast ? '≥' : '≤'} ${target}×`, measured: `×${r.value} (${r.numerator}; ${r.denominator})`, met: atLeast ? r.value >= target : r.value <= target });
  };
  pushRatio('Herd: intake p99 within 1.5× of a bare Node server', 'herd intake p99: gateway ÷ bare Node', AIM.intakeP99VsBare, false);
  pushRatio('Herd with a signed token per buyer: intake p99 within 2× of a bare Node server', 'herd intake p99 with signed tokens: gateway ÷ bare Node', AIM.tokenIntakeP99VsBare, false);
  pushRatio('Herd: answers/s ≥ 4× the synchronous baseline', 'herd answers/s: gateway ÷ synchronous', AIM.answersVsSync, true);
  pushRatio('Herd: gateway CPU per request ≤ 1.5× a bare Node server', 'herd CPU per request: gateway ÷ bare Node', AIM.cpuVsBare, false);
  pushRatio('Sold-out refusals: ≥ 0.8× bare Node requests/s', 'sold-out requests/s ÷ bare Node', AIM.soldOutVsBare, true);
  pushRatio('Cached seat-map reads: ≥ 0.8× bare Node requests/s', 'seat-map requests/s ÷ bare Node', AIM.seatMapVsBare, true);
  pushRatio('Inventory: decisions/s ≥ 2× single-row UPDATE tps', 'inventory decisions/s ÷ single-row UPDATE tps', AIM.decisionsVsUpdates, true);
  return aims;
}

function count5xx(http: HttpSummary): number {
  return Object.entries(http.statusCodes).reduce((sum, [status, n]) => sum + (Number(status) >= 500 ? n : 0), 0);
}

function cpuPerRequestUs(run: RunResult | undefined, processName: string, phase: string): number | undefined {
  const cpuS = run?.usage?.processes.find((p) => p.name === processName)?.cpuS;
  const requests = run?.http[phase]?.requests;
  return cpuS === undefined || !requests ? undefined : Math.round((cpuS * 1e6) / requests);
}

/** The Markdown report: aims, ratios, the chart, then every run's numbers and checks. */
export function renderMarkdown(result: BenchResult, chartFile: string): string {
  const lines: string[] = [];
  const m = result.machine;
  lines.push(`# SeatGrid benchmark${result.smoke ? ' (smoke run: tiny numbers, not a measurement)' : ''}`, '');
  lines.push(`${result.startedAt} → ${result.finishedAt} · ${m.cpus} × ${m.cpuModel} · ${m.memoryGb} GB · ${m.os} · Node ${m.node} · ${m.postgres}`);
  lines.push(`Load average ${m.loadBefore} before, ${m.loadAfter} after. Generator: undici, open loop for the herd and mixed traffic, closed loop for the steady phases; HdrHistogram percentiles.`);
  lines.push('', `**Correctness: ${result.invariantsHold ? 'every invariant held' : 'INVARIANTS VIOLATED (see the checks below)'}.**`, '');

  lines.push('## Aims', '', '| Aim | Target | Measured | |', '| --- | --- | --- | --- |');
  for (const aim of result.aims) lines.push(`| ${aim.name} | ${aim.target} | ${aim.measured} | ${aim.met ? 'met' : '**missed**'} |`);

  lines.push('', '## Ratios (same run)', '', '| Ratio | Value | Numerator | Denominator |', '| --- | ---: | --- | --- |');
  for (const r of result.ratios) lines.push(`| ${r.name} | ×${r.value} | ${r.numerator} | ${r.denominator} |`);

  lines.push('', '## Latency', '', `![Latency by percentile](${chartFile})`, '');
  lines.push('| Run | Requests | Answers/s | p50 ms | p95 ms | p99 ms | max ms | Status codes | No answer |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |');
  for (const run of result.runs) {
    for (const [phase, http] of Object.entries(run.http)) {
      lines.push(latencyRow(`${run.name} ${phase}`, http.latencyMs, http));
      const statuses = Object.entries(http.latencyByStatusMs ?? {});
      if (statuses.length > 1) for (const [status, latency] of statuses) lines.push(latencyRow(`${run.name} ${phase}, ${status} only`, latency));
    }
    if (run.decisionMs) lines.push(latencyRow(`${run.name} decision (202 → terminal)`, run.decisionMs));
  }

  lines.push('', '## Runs', '');
  for (const run of result.runs) {
    lines.push(`### ${run.title} (\`${run.name}\`)`, '');
    lines.push(`Parameters: ${Object.entries(run.parameters).map(([k, v]) => `${k} ${typeof v === 'number' ? fmt(v) : v}`).join(', ')}.`);
    const metrics = Object.entries(run.metrics);
    if (metrics.length > 0) lines.push(`Metrics: ${metrics.map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}.`);
    if (run.outcomes) lines.push(`Accepted bookings in PostgreSQL: ${Object.entries(run.outcomes).map(([s, n]) => `${fmt(n)} ${s}`).join(', ') || 'none'}.`);
    if (run.usage) {
      const u = run.usage;
      const processes = u.processes.map((p) => `${p.name} ${p.cpuS} CPU-s, RSS peak ${p.peakRssMb} MB (end ${p.endRssMb} MB)`).join('; ');
      const services = u.services.map((p) => `${p.name} ${p.cpuS}`).join(', ');
      lines.push(
        `Resources over ${u.wallS} s: ${processes || 'no app process'}; generator ${u.generatorCpuS} CPU-s; services (all their clients) ${services || 'not seen'} CPU-s; ` +
          `whole machine ${u.machineBusyCpuS} of ${round3(u.wallS * u.cores)} CPU-s.`,
      );
    }
    if (run.profile) lines.push(...profileLines(run.profile));
    if (run.checks.length > 0) {
      lines.push('', '| Check | | Detail |', '| --- | --- | --- |');
      for (const check of run.checks) lines.push(`| ${check.name} | ${check.ok ? 'ok' : '**VIOLATED**'} | ${check.detail} |`);
    }
    lines.push('');
  }
  lines.push('## Settings', '', `Bench options: \`${JSON.stringify(result.options)}\``, '', `App settings: \`${JSON.stringify(result.appSettings)}\``, '');
  return lines.join('\n');
}

/** The top of the process's CPU profile: self time by area (package) and by function. */
function profileLines(profile: ProfileSummary): string[] {
  const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
  const lines = ['', `CPU profile of the ${profile.process} (\`--cpu-prof\`, ${fmt(profile.busyMs)} ms busy): self time by area, then the top functions.`, ''];
  lines.push('| Area | Self ms | Share |', '| --- | ---: | ---: |');
  for (const entry of profile.byArea) lines.push(`| ${entry.name} | ${fmt(entry.selfMs)} | ${pct(entry.share)} |`);
  lines.push('', '| Function | Self ms | Share |', '| --- | ---: | ---: |');
  for (const entry of profile.top) lines.push(`| \`${entry.name.replaceAll('|', '\\|')}\` | ${fmt(entry.selfMs)} | ${pct(entry.share)} |`);
  return lines;
}

function latencyRow(label: string, latency: LatencySummary, http?: HttpSummary): string {
  const codes = http ? Object.entries(http.statusCodes).map(([s, n]) => `${s}: ${fmt(n)}`).join(', ') : '';
  const errors = http ? Object.entries(http.errors).map(([e, n]) => `${e}: ${fmt(n)}`).join(', ') || '0' : '';
  return `| ${label} | ${fmt(http?.requests ?? latency.count)} | ${http ? fmt(http.rps) : ''} | ${fmt(latency.p50)} | ${fmt(latency.p95)} | ${fmt(latency.p99)} | ${fmt(latency.max)} | ${codes} | ${errors} |`;
}

export function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return value.toLocaleString('en-US', { maximumFractionDigits: Math.abs(value) < 10 ? 3 : Math.abs(value) < 1000 ? 1 : 0 });
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

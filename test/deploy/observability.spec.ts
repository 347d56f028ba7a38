import { loadConfig } from '@app/config';
import { jest } from '@jest/globals';
import { Ajv } from 'ajv';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { parse } from 'yaml';
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IRole, IRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import type { IPodTemplateSpec, IService } from 'kubernetes-models/v1';
import {
  ComposeService,
  composeEnv,
  containerEnv,
  find,
  findOrThrow,
  isSeatGridService,
  K8sObject,
  loadCompose,
  PORT_ENV,
  readRepoFile,
  renderKustomize,
  ROOT,
} from './manifests.js';
import { metricNames } from './promql.js';

const OBSERVABILITY = 'deploy/observability';
const PROMETHEUS_COMPOSE = `${OBSERVABILITY}/prometheus/prometheus.yml`;
const PROMETHEUS_K8S = `${OBSERVABILITY}/prometheus/prometheus-k8s.yml`;
const ALERTS = `${OBSERVABILITY}/prometheus/alerts.yml`;
const DATASOURCES = `${OBSERVABILITY}/grafana/provisioning/datasources/datasources.yml`;
const DASHBOARD_PROVIDERS = `${OBSERVABILITY}/grafana/provisioning/dashboards/dashboards.yml`;
const DASHBOARD = `${OBSERVABILITY}/grafana/dashboards/seatgrid-onsale.json`;
const JAEGER_CONFIG = `${OBSERVABILITY}/jaeger/config.yaml`;

// ---------------------------------------------------------------------------------------------------------
// What the apps export

interface CatalogueMetric {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary';
}

/**
 * The metric catalogue of '@app/observability', from its metrics.ts alone, with @willsoto/nestjs-prometheus
 * replaced by factories that record each metric's name and type: that package is CommonJS and `require`s
 * @nestjs/common, which is ESM-only since NestJS 12, and Jest's module system cannot load that.
 */
const provider = (type: CatalogueMetric['type']) => (options: { name: string }): CatalogueMetric => ({ name: options.name, type });
jest.unstable_mockModule('@willsoto/nestjs-prometheus', () => ({
  makeCounterProvider: provider('counter'),
  makeGaugeProvider: provider('gauge'),
  makeHistogramProvider: provider('histogram'),
  makeSummaryProvider: provider('summary'),
}));
// A specifier TypeScript leaves alone: Jest resolves it without the ".js" that TypeScript would require.
const CATALOGUE_MODULE: string = '@app/observability/metrics';
const { EXPORTED_METRIC_NAMES, METRIC_PROVIDERS }: Pick<typeof import('@app/observability'), 'EXPORTED_METRIC_NAMES' | 'METRIC_PROVIDERS'> = await import(CATALOGUE_MODULE);
const catalogue = METRIC_PROVIDERS as unknown as CatalogueMetric[];

/** The prefix ObservabilityModule gives Node's default metrics (libs/observability/src/observability.module.ts). */
const DEFAULT_METRICS_PREFIX = 'seatgrid_';

/** Node's default metrics as prom-client names them for the apps. */
function defaultMetrics(): CatalogueMetric[] {
  const register = new Registry();
  collectDefaultMetrics({ register, prefix: DEFAULT_METRICS_PREFIX });
  return register.getMetricsAsArray().map((metric) => ({ name: metric.name, type: String(metric.type) as CatalogueMetric['type'] }));
}

const SERIES_SUFFIXES: Partial<Record<CatalogueMetric['type'], string[]>> = { histogram: ['_bucket', '_sum', '_count'], summary: ['', '_sum', '_count'] };

/** Every series name an app's /metrics can show (a histogram as its _bucket, _sum and _count), and Prometheus' `up`. */
function exportedSeriesNames(metrics: CatalogueMetric[]): Set<string> {
  const names = metrics.flatMap(({ name, type }) => (SERIES_SUFFIXES[type] ?? ['']).map((suffix) => name + suffix));
  return new Set([...names, 'up']);
}

// ---------------------------------------------------------------------------------------------------------
// PromQL in the dashboard and the rules

interface Expression {
  where: string;
  expr: string;
}

/** Every `expr` anywhere in a dashboard (panels, rows' panels, targets), named by the nearest enclosing title. */
function dashboardExpressions(node: unknown, where = 'dashboard'): Expression[] {
  if (Array.isArray(node)) return node.flatMap((item) => dashboardExpressions(item, where));
  if (node === null || typeof node !== 'object') return [];
  const object = node as Record<string, unknown>;
  const here = typeof object.title === 'string' ? object.title : where;
  return Object.entries(object).flatMap(([key, value]) => (key === 'expr' && typeof value === 'string' ? [{ where: here, expr: value }] : dashboardExpressions(value, here)));
}

interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: string };
  annotations: { summary: string; description: string };
}

interface RuleFile {
  groups: { name: string; rules: AlertRule[] }[];
}

const ruleExpressions = (rules: RuleFile): Expression[] => rules.groups.flatMap((group) => group.rules.map((rule) => ({ where: `${group.name}/${rule.alert}`, expr: rule.expr })));

/** One line per metric an expression reads that no app exports. */
const unknownMetrics = (expressions: Expression[], known: Set<string>): string[] =>
  expressions.flatMap(({ where, expr }) => metricNames(expr).filter((name) => !known.has(name)).map((name) => `${where}: ${name}`));

/** Prometheus' duration syntax, units in decreasing order. */
const PROMETHEUS_DURATION = /^(?=\d)(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/;
const seconds = (duration: string): number => {
  const units: Record<string, number> = { y: 31_536_000, w: 604_800, d: 86_400, h: 3600, m: 60, s: 1, ms: 0.001 };
  return [...duration.matchAll(/(\d+)(ms|[ywdhms])/g)].reduce((total, [, value, unit]) => total + Number(value) * units[unit], 0);
};

/** The essentials of Prometheus' rule file format, for alerting rules (no recording rules here). */
const RULE_FILE_SCHEMA = {
  type: 'object',
  required: ['groups'],
  additionalProperties: false,
  properties: {
    groups: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'rules'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1 },
          interval: { type: 'string', pattern: PROMETHEUS_DURATION.source },
          rules: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: ['alert', 'expr', 'for', 'labels', 'annotations'],
              additionalProperties: false,
              properties: {
                alert: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
                expr: { type: 'string', minLength: 1 },
                for: { type: 'string', pattern: PROMETHEUS_DURATION.source },
                keep_firing_for: { type: 'string', pattern: PROMETHEUS_DURATION.source },
                labels: {
                  type: 'object',
                  required: ['severity'],
                  properties: { severity: { enum: ['critical', 'warning'] } },
                  additionalProperties: { type: 'string' },
                },
                annotations: {
                  type: 'object',
                  required: ['summary', 'description'],
                  properties: { summary: { type: 'string', minLength: 1 }, description: { type: 'string', minLength: 1 } },
                  additionalProperties: { type: 'string' },
                },
              },
            },
          },
        },
      },
    },
  },
};

// ---------------------------------------------------------------------------------------------------------
// Prometheus and Grafana configuration

interface ScrapeConfig {
  job_name: string;
  metrics_path?: string;
  static_configs?: { targets: string[] }[];
  dns_sd_configs?: { names: string[]; type?: string; port?: number }[];
  kubernetes_sd_configs?: { role: string; namespaces?: { own_namespace?: boolean; names?: string[] } }[];
  relabel_configs?: { source_labels?: string[]; target_label?: string; action?: string; regex?: string; replacement?: string }[];
}

interface PrometheusConfig {
  global: { scrape_interval: string; scrape_timeout?: string; evaluation_interval?: string };
  rule_files: string[];
  scrape_configs: ScrapeConfig[];
}

interface Datasource {
  name: string;
  type: string;
  uid: string;
  url: string;
}

const loadYaml = <T>(file: string): T => parse(readRepoFile(file)) as T;

/** The host:port targets of a scrape job, whether static or found by DNS. */
const scrapeTargets = (job: ScrapeConfig): string[] => [
  ...(job.static_configs ?? []).flatMap((config) => config.targets),
  ...(job.dns_sd_configs ?? []).flatMap((config) => config.names.map((name) => `${name}:${config.port}`)),
];

/** Prometheus' name for a Kubernetes label or annotation key in discovery labels. */
const sanitized = (key: string): string => key.replace(/[^a-zA-Z0-9_]/g, '_');

/** Every `datasource: {type, uid}` the dashboard refers to. */
function datasourceRefs(node: unknown): { type: string; uid: string }[] {
  if (Array.isArray(node)) return node.flatMap(datasourceRefs);
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === 'datasource' && value && typeof value === 'object' && 'uid' in value ? [value as { type: string; uid: string }] : datasourceRefs(value),
  );
}

// ---------------------------------------------------------------------------------------------------------
// docker-compose.yml mounts and Kubernetes ConfigMap mounts

/** The bind mounts of a compose service: host path (from the repository root) → container path. */
function bindMounts(service: ComposeService): { source: string; target: string }[] {
  return (service.volumes ?? []).flatMap((volume) => {
    const [source, target] = typeof volume === 'string' ? volume.split(':') : [volume.source ?? '', volume.target ?? ''];
    return /^[./]/.test(source) ? [{ source: path.normalize(source), target }] : [];
  });
}

/** Where a container path of a compose service is on the host, through its bind mounts. */
function composeHostPath(service: ComposeService, containerPath: string): string | undefined {
  const mount = bindMounts(service).find(({ target }) => containerPath === target || containerPath.startsWith(`${target}/`));
  return mount && path.join(mount.source, path.relative(mount.target, containerPath));
}

const containerPorts = (service: ComposeService): number[] =>
  (service.ports ?? []).map((port) => (typeof port === 'object' ? Number(port.target) : Number(String(port).split(':').at(-1)!.split('/')[0])));

/** The text a container path holds when it is a file of a mounted ConfigMap. */
function configMapFile(template: IPodTemplateSpec, objects: K8sObject[], containerPath: string): string | undefined {
  const container = template.spec!.containers[0];
  const mount = container.volumeMounts?.find((candidate) => path.dirname(containerPath) === candidate.mountPath);
  const volume = template.spec!.volumes?.find((candidate) => candidate.name === mount?.name);
  if (!volume?.configMap) return undefined;
  const configMap = findOrThrow(objects, 'ConfigMap', volume.configMap.name!);
  return (configMap.data as Record<string, string>)[path.basename(containerPath)];
}

const podTemplate = (objects: K8sObject[], name: string): IPodTemplateSpec => (findOrThrow(objects, 'Deployment', name) as unknown as IDeployment).spec!.template;

/** The value after `flag` in a command line (`--config /etc/jaeger/config.yaml`). */
const argumentOf = (command: string | string[] | undefined, flag: string): string => {
  const args = ([] as string[]).concat(command ?? []);
  return args[args.indexOf(flag) + 1] ?? '';
};

/** The port a URL names, given or by scheme. */
const urlPort = (url: URL): number => Number(url.port || (url.protocol === 'https:' ? 443 : 80));

// =========================================================================================================

describe('PromQL metric-name extraction', () => {
  it.each([
    ['up == 0', ['up']],
    ['seatgrid_bookings_accepted_total', ['seatgrid_bookings_accepted_total']],
    ['sum(rate(seatgrid_bookings_accepted_total[$__rate_interval]))', ['seatgrid_bookings_accepted_total']],
    ['histogram_quantile(0.99, sum by (le) (rate(seatgrid_booking_decision_seconds_bucket[5m]))) > 5', ['seatgrid_booking_decision_seconds_bucket']],
    ['sum without (instance, pod) (rate(a_total{job="gateway", route=~"/events/.*|{x}"}[1m:10s]))', ['a_total']],
    ['a / on (job) group_left (route) b > bool 0.5 and c offset 5m unless d @ start()', ['a', 'b', 'c', 'd']],
    ['sum by (cache) (rate(hits{result="hit"}[5m])) / ignoring (result) sum by (cache) (rate(lookups[5m])) < 1e-3', ['hits', 'lookups']],
    ['label_replace(up, "dst", "$1", "src", "(by|sum)")', ['up']],
    ['{__name__="seatgrid_outbox_backlog", job="inventory"}', ['seatgrid_outbox_backlog']],
    ['max(x{queue="requests"}) > Inf or count(y) == NaN # trailing comment with z', ['x', 'y']],
    ['SUM BY (le) (rate(m_bucket[${window}]))', ['m_bucket']],
    ['topk(3, sum by (route) (rate(requests_total[5m]))) * 0x1e+other', ['requests_total', 'other']],
  ])('%s', (expr, names) => {
    expect(metricNames(expr)).toEqual(names);
  });

  it('should refuse an unbalanced expression rather than guess', () => {
    expect(() => metricNames('sum(rate(x{job="a"[5m]))')).toThrow(/unbalanced/);
  });
});

describe('metric names of the dashboard and the alert rules', () => {
  const known = exportedSeriesNames([...catalogue, ...defaultMetrics()]);
  const dashboard = JSON.parse(readRepoFile(DASHBOARD));
  const rules = loadYaml<RuleFile>(ALERTS);

  it('should know what the apps export: the catalogue, with histogram series, and the prefixed Node metrics', () => {
    expect(catalogue.map(({ name }) => name).sort()).toEqual([...EXPORTED_METRIC_NAMES].sort());
    expect(readRepoFile('libs/observability/src/observability.module.ts')).toContain(`prefix: '${DEFAULT_METRICS_PREFIX}'`);
    for (const name of [
      'seatgrid_http_requests_total',
      'seatgrid_booking_decision_seconds_bucket',
      'seatgrid_booking_decision_seconds_count',
      'seatgrid_process_cpu_seconds_total',
      'seatgrid_process_resident_memory_bytes',
      'seatgrid_nodejs_eventloop_lag_p99_seconds',
      'seatgrid_nodejs_heap_size_used_bytes',
      'up',
    ]) {
      expect({ name, known: known.has(name) }).toEqual({ name, known: true });
    }
    // Suffixes only where the type has them.
    expect(known.has('seatgrid_http_requests_total_count')).toBe(false);
    expect(known.has('seatgrid_bookings_accepted_total_bucket')).toBe(false);
  });

  it('should only read exported metrics in the dashboard', () => {
    const expressions = dashboardExpressions(dashboard);
    expect(expressions.length).toBeGreaterThan(30);
    // Each expression reads at least one metric: an extractor that found none would pass anything.
    expect(expressions.filter(({ expr }) => metricNames(expr).length === 0)).toEqual([]);
    expect(unknownMetrics(expressions, known)).toEqual([]);
  });

  it('should only read exported metrics in the alert rules', () => {
    const expressions = ruleExpressions(rules);
    expect(expressions.filter(({ expr }) => metricNames(expr).length === 0)).toEqual([]);
    expect(unknownMetrics(expressions, known)).toEqual([]);
  });

  it('should catch a dashboard panel or a rule that reads a metric no app exports', () => {
    const broken = structuredClone(dashboard);
    broken.panels.push({
      type: 'timeseries',
      title: 'Misspelt',
      targets: [
        { refId: 'A', expr: 'sum(rate(seatgrid_bookings_acepted_total[$__rate_interval]))' },
        { refId: 'B', expr: 'histogram_quantile(0.99, sum by (le) (rate(seatgrid_http_requests_total_bucket[5m])))' },
      ],
    });
    expect(unknownMetrics(dashboardExpressions(broken), known)).toEqual(['Misspelt: seatgrid_bookings_acepted_total', 'Misspelt: seatgrid_http_requests_total_bucket']);

    const brokenRules = structuredClone(rules);
    brokenRules.groups[0].rules[0].expr = 'seatgrid_saga_holds > 0';
    expect(unknownMetrics(ruleExpressions(brokenRules), known)).toEqual([`${brokenRules.groups[0].name}/${brokenRules.groups[0].rules[0].alert}: seatgrid_saga_holds`]);
  });
});

describe('deploy/observability/prometheus/alerts.yml', () => {
  const rules = loadYaml<RuleFile>(ALERTS);
  const alerts = rules.groups.flatMap((group) => group.rules);
  const byName = (name: string) => alerts.find((rule) => rule.alert === name)!;

  it("should follow Prometheus' rule file format", () => {
    const validate = new Ajv({ allErrors: true }).compile(RULE_FILE_SCHEMA);
    validate(rules);
    expect(validate.errors ?? []).toEqual([]);
    const names = alerts.map((rule) => rule.alert);
    expect(names.length).toBe(new Set(names).size);
    expect(rules.groups.map((group) => group.name).length).toBe(new Set(rules.groups.map((group) => group.name)).size);
    // Annotation templates must be closed, or Prometheus refuses the whole file.
    for (const rule of alerts) {
      for (const text of Object.values(rule.annotations)) expect({ alert: rule.alert, unclosed: text.split('{{').length - text.split('}}').length }).toEqual({ alert: rule.alert, unclosed: 0 });
    }
  });

  it('should watch errors, latency, lag, outbox, holds, cache, dead letters and scrape targets', () => {
    const reading = (metric: string) => alerts.filter((rule) => metricNames(rule.expr).includes(metric)).map((rule) => rule.alert);
    for (const metric of [
      'seatgrid_http_requests_total',
      'seatgrid_booking_decision_seconds_bucket',
      'seatgrid_queue_messages',
      'seatgrid_outbox_oldest_unsent_seconds',
      'seatgrid_saga_oldest_hold_seconds',
      'seatgrid_cache_requests_total',
      'seatgrid_dead_lettered_total',
      'up',
    ]) {
      expect({ metric, alerts: reading(metric).length > 0 }).toEqual({ metric, alerts: true });
    }
    expect(byName('SeatGridHighErrorRate').expr).toContain('status_class="5xx"');
    expect(byName('SeatGridRequestQueueBacklog').expr).toContain('queue="requests"');
    expect(byName('SeatGridDeadLetters').expr).toMatch(/increase\(seatgrid_dead_lettered_total\[/);
  });

  it('should call a hold stuck shortly after the time-to-live the inventory runs with', () => {
    const threshold = Number(/>\s*(\d+)$/.exec(byName('SeatGridStuckHolds').expr.trim())?.[1]);
    const local = renderKustomize('k8s/overlays/local');
    const inventories = { compose: composeEnv(loadCompose().services.inventory), k8s: containerEnv(podTemplate(local, 'inventory').spec!.containers[0], local) };
    for (const [where, env] of Object.entries(inventories)) {
      const ttl = loadConfig(env).saga.holdTtlSeconds;
      expect({ where, ttl, threshold, margined: threshold > ttl && threshold <= ttl * 1.5 }).toEqual({ where, ttl, threshold, margined: true });
    }
  });
});

describe('deploy/observability/prometheus', () => {
  const compose = loadCompose();
  const scrapeInterval = (config: PrometheusConfig) => config.global.scrape_interval;

  it.each([PROMETHEUS_COMPOSE, PROMETHEUS_K8S])('%s should scrape every 5 s and load rule files that exist', (file) => {
    const config = loadYaml<PrometheusConfig>(file);
    expect(scrapeInterval(config)).toBe('5s');
    expect(seconds(config.global.scrape_timeout ?? '10s')).toBeLessThanOrEqual(seconds(scrapeInterval(config)));
    expect(config.rule_files.length).toBeGreaterThan(0);
    // Relative to the configuration file: the same layout in the compose mount and in the Kubernetes ConfigMap.
    expect(config.rule_files.filter((rules) => path.isAbsolute(rules) || !existsSync(path.join(ROOT, path.dirname(file), rules)))).toEqual([]);
    expect(config.rule_files.map((rules) => path.join(path.dirname(file), rules))).toContain(ALERTS);
  });

  it('should scrape every gateway replica and the inventory on the ports compose gives them', () => {
    const config = loadYaml<PrometheusConfig>(PROMETHEUS_COMPOSE);
    for (const [app, variable] of Object.entries(PORT_ENV)) {
      const job = config.scrape_configs.find((candidate) => candidate.job_name === app);
      const port = composeEnv(compose.services[app])[variable];
      expect({ app, targets: job && scrapeTargets(job), path: job?.metrics_path ?? '/metrics' }).toEqual({ app, targets: [`${app}:${port}`], path: '/metrics' });
      // An A query returns every replica's address; a static target would reach one replica at random.
      expect({ app, dns: job?.dns_sd_configs?.map((dns) => dns.type) }).toEqual({ app, dns: ['A'] });
    }
  });

  it('should find the annotated app pods of its namespace in Kubernetes and name their jobs like compose', () => {
    const config = loadYaml<PrometheusConfig>(PROMETHEUS_K8S);
    const objects = renderKustomize('k8s/overlays/local');
    expect(config.scrape_configs).toHaveLength(1);
    const [job] = config.scrape_configs;
    expect(job.kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { own_namespace: true } }]);
    const sources = (job.relabel_configs ?? []).flatMap((relabel) => relabel.source_labels ?? []);
    const jobSource = job.relabel_configs?.find((relabel) => relabel.target_label === 'job')?.source_labels;
    expect(jobSource).toEqual([`__meta_kubernetes_pod_label_${sanitized('app.kubernetes.io/name')}`]);
    for (const app of Object.keys(PORT_ENV)) {
      const template = podTemplate(objects, app);
      for (const annotation of Object.keys(template.metadata?.annotations ?? {}).filter((key) => key.startsWith('prometheus.io/'))) {
        expect({ app, annotation, used: sources.includes(`__meta_kubernetes_pod_annotation_${sanitized(annotation)}`) }).toEqual({ app, annotation, used: true });
      }
      expect(template.metadata?.labels?.['app.kubernetes.io/name']).toBe(app);
    }
    const composeJobs = loadYaml<PrometheusConfig>(PROMETHEUS_COMPOSE).scrape_configs.map((candidate) => candidate.job_name);
    expect(composeJobs.sort()).toEqual(Object.keys(PORT_ENV).sort());
  });
});

describe('deploy/observability/grafana', () => {
  const datasources = loadYaml<{ datasources: Datasource[] }>(DATASOURCES).datasources;
  const dashboard = JSON.parse(readRepoFile(DASHBOARD));

  it('should provision Prometheus, the default, and Jaeger under fixed uids', () => {
    expect(datasources.map(({ type, uid }) => [type, uid])).toEqual([
      ['prometheus', 'prometheus'],
      ['jaeger', 'jaeger'],
    ]);
    expect(datasources.filter((source) => (source as { isDefault?: boolean }).isDefault).map(({ uid }) => uid)).toEqual(['prometheus']);
  });

  it('should only refer to provisioned data sources in the dashboard', () => {
    const refs = datasourceRefs(dashboard).filter(({ uid }) => !uid.startsWith('-- '));
    expect(refs.length).toBeGreaterThan(0);
    const provisioned = datasources.map(({ type, uid }) => `${type}/${uid}`);
    expect([...new Set(refs.map(({ type, uid }) => `${type}/${uid}`))].filter((ref) => !provisioned.includes(ref))).toEqual([]);
  });

  it('should be a dashboard Grafana can load, with the on-sale panels', () => {
    expect(dashboard).toEqual(expect.objectContaining({ uid: 'seatgrid-onsale', title: expect.any(String), schemaVersion: expect.any(Number), panels: expect.any(Array) }));
    const panels = dashboard.panels as { id: number; type: string; title: string; gridPos: { x: number; y: number; w: number; h: number } }[];
    const ids = panels.map((panel) => panel.id);
    expect(ids.length).toBe(new Set(ids).size);
    for (const { title, gridPos } of panels) expect({ title, fits: gridPos.x >= 0 && gridPos.w > 0 && gridPos.x + gridPos.w <= 24 && gridPos.h > 0 }).toEqual({ title, fits: true });
    const expressions = dashboardExpressions(dashboard);
    const reads = (metric: string) => expressions.some(({ expr }) => metricNames(expr).includes(metric));
    for (const metric of [
      'seatgrid_bookings_accepted_total',
      'seatgrid_bookings_refused_total',
      'seatgrid_booking_decision_seconds_bucket',
      'seatgrid_bookings_decided_total',
      'seatgrid_saga_held_bookings',
      'seatgrid_payments_total',
      'seatgrid_compensations_total',
      'seatgrid_hold_expiries_total',
      'seatgrid_cache_requests_total',
      'seatgrid_http_request_duration_seconds_bucket',
      'seatgrid_queue_messages',
      'seatgrid_outbox_backlog',
      'seatgrid_outbox_oldest_unsent_seconds',
      'seatgrid_db_pool_connections',
      'seatgrid_process_resident_memory_bytes',
      'seatgrid_process_cpu_seconds_total',
      'seatgrid_nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect({ metric, shown: reads(metric) }).toEqual({ metric, shown: true });
    }
    // Seats left per event cannot be a metric (no id labels): the dashboard says where to find them.
    expect(JSON.stringify(dashboard)).toContain('/events/{id}/stats');
  });
});

describe('docker-compose.yml observability services', () => {
  const { services } = loadCompose();
  const datasources = loadYaml<{ datasources: Datasource[] }>(DATASOURCES).datasources;
  const providerPath = loadYaml<{ providers: { options: { path: string } }[] }>(DASHBOARD_PROVIDERS).providers[0].options.path;

  it('should mount only files and directories that exist', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const { source } of bindMounts(service)) expect({ name, source, exists: existsSync(path.join(ROOT, source)) }).toEqual({ name, source, exists: true });
    }
  });

  it('should give Prometheus its configuration and the rules next to it, and publish its UI to this machine only', () => {
    const { prometheus } = services;
    const configFile = ([] as string[]).concat(prometheus.command ?? []).find((arg) => arg.startsWith('--config.file='))?.split('=')[1] ?? '/etc/prometheus/prometheus.yml';
    expect(composeHostPath(prometheus, configFile)).toBe(PROMETHEUS_COMPOSE);
    for (const rules of loadYaml<PrometheusConfig>(PROMETHEUS_COMPOSE).rule_files) {
      expect(composeHostPath(prometheus, path.join(path.dirname(configFile), rules))).toBe(path.join(path.dirname(PROMETHEUS_COMPOSE), rules));
    }
    expect(prometheus.ports).toEqual(['127.0.0.1:9090:9090']);
    // Reload, quit and TSDB deletion over HTTP would be open to every process that reaches the port.
    expect(([] as string[]).concat(prometheus.command ?? []).filter((arg) => /^--web\.enable-(lifecycle|admin-api)/.test(arg))).toEqual([]);
  });

  it('should provision Grafana with the data sources and the dashboard, behind a sign-in, on port 3002 of this machine', () => {
    const { grafana } = services;
    expect(composeHostPath(grafana, '/etc/grafana/provisioning/datasources/datasources.yml')).toBe(DATASOURCES);
    expect(composeHostPath(grafana, '/etc/grafana/provisioning/dashboards/dashboards.yml')).toBe(DASHBOARD_PROVIDERS);
    const dashboards = composeHostPath(grafana, providerPath);
    expect(dashboards && statSync(path.join(ROOT, dashboards)).isDirectory() && readdirSync(path.join(ROOT, dashboards))).toContain(path.basename(DASHBOARD));
    const env = composeEnv(grafana);
    expect(composeHostPath(grafana, env.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH)).toBe(DASHBOARD);
    expect(env.GF_AUTH_ANONYMOUS_ENABLED).toBe('false');
    expect(env.GF_SECURITY_ADMIN_PASSWORD).toEqual(expect.stringMatching(/.{12,}/));
    // The gateway, through nginx, has the host's port 3000.
    expect(grafana.ports).toEqual(['127.0.0.1:3002:3000']);
  });

  it("should point Grafana's data sources at compose services and their ports", () => {
    for (const { uid, url } of datasources) {
      const { hostname, port } = { hostname: new URL(url).hostname, port: urlPort(new URL(url)) };
      expect({ uid, service: hostname in services, port: hostname in services && containerPorts(services[hostname]).includes(port) }).toEqual({ uid, service: true, port: true });
    }
  });

  it('should send the traces of every app to Jaeger over OTLP/HTTP and publish the Jaeger UI to this machine only', () => {
    const { jaeger } = services;
    expect(composeHostPath(jaeger, argumentOf(jaeger.command, '--config'))).toBe(JAEGER_CONFIG);
    expect(jaeger.ports).toEqual(expect.arrayContaining(['127.0.0.1:16686:16686', '127.0.0.1:4318:4318']));
    for (const [name, service] of Object.entries(services).filter(([, candidate]) => isSeatGridService(candidate))) {
      const endpoint = composeEnv(service).OTEL_EXPORTER_OTLP_ENDPOINT;
      expect({ name, endpoint }).toEqual({ name, endpoint: 'http://jaeger:4318' });
    }
  });
});

describe('k8s/overlays/local observability stack', () => {
  let objects: K8sObject[];
  const { services } = loadCompose();
  const datasources = loadYaml<{ datasources: Datasource[] }>(DATASOURCES).datasources;
  const providerPath = loadYaml<{ providers: { options: { path: string } }[] }>(DASHBOARD_PROVIDERS).providers[0].options.path;

  beforeAll(() => {
    objects = renderKustomize('k8s/overlays/local');
  });

  const servicePort = (hostname: string, port: number): boolean =>
    ((find(objects, 'Service', hostname) as unknown as IService | undefined)?.spec?.ports ?? []).some((candidate) => candidate.port === port);

  it('should run Prometheus, Grafana and Jaeger on the versions compose runs', () => {
    for (const name of ['prometheus', 'grafana', 'jaeger']) {
      expect({ name, image: podTemplate(objects, name).spec!.containers[0].image }).toEqual({ name, image: services[name].image });
    }
  });

  it('should give Prometheus the Kubernetes configuration and the alert rules from deploy/observability', () => {
    const template = podTemplate(objects, 'prometheus');
    const configFile = template.spec!.containers[0].args?.find((arg) => arg.startsWith('--config.file='))?.split('=')[1] ?? '/etc/prometheus/prometheus.yml';
    expect(configMapFile(template, objects, configFile)).toBe(readRepoFile(PROMETHEUS_K8S));
    for (const rules of loadYaml<PrometheusConfig>(PROMETHEUS_K8S).rule_files) {
      expect(configMapFile(template, objects, path.join(path.dirname(configFile), rules))).toBe(readRepoFile(path.join(path.dirname(PROMETHEUS_K8S), rules)));
    }
  });

  it('should let Prometheus list and watch the pods of its namespace, and nothing more', () => {
    const account = podTemplate(objects, 'prometheus').spec!.serviceAccountName!;
    expect(findOrThrow(objects, 'ServiceAccount', account)).toBeDefined();
    const bindings = objects.filter((object) => object.kind === 'RoleBinding') as unknown as (IRoleBinding & K8sObject)[];
    const binding = bindings.find((candidate) => candidate.subjects?.some((subject) => subject.kind === 'ServiceAccount' && subject.name === account));
    expect(binding?.roleRef.kind).toBe('Role');
    const role = findOrThrow(objects, 'Role', binding!.roleRef.name) as unknown as IRole;
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]);
    expect(objects.filter((object) => object.kind.startsWith('Cluster')).map((object) => object.kind)).toEqual([]);
  });

  it('should provision Grafana from the same files as compose', () => {
    const template = podTemplate(objects, 'grafana');
    expect(configMapFile(template, objects, '/etc/grafana/provisioning/datasources/datasources.yml')).toBe(readRepoFile(DATASOURCES));
    expect(configMapFile(template, objects, '/etc/grafana/provisioning/dashboards/dashboards.yml')).toBe(readRepoFile(DASHBOARD_PROVIDERS));
    expect(configMapFile(template, objects, path.join(providerPath, path.basename(DASHBOARD)))).toBe(readRepoFile(DASHBOARD));
    const env = containerEnv(template.spec!.containers[0], objects);
    expect(configMapFile(template, objects, env.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH)).toBe(readRepoFile(DASHBOARD));
    expect(env.GF_AUTH_ANONYMOUS_ENABLED).toBe('false');
  });

  it("should have a Service for every Grafana data source and for the apps' trace endpoint", () => {
    for (const { uid, url } of datasources) {
      expect({ uid, service: servicePort(new URL(url).hostname, urlPort(new URL(url))) }).toEqual({ uid, service: true });
    }
    for (const app of Object.keys(PORT_ENV)) {
      const endpoint = new URL(containerEnv(podTemplate(objects, app).spec!.containers[0], objects).OTEL_EXPORTER_OTLP_ENDPOINT);
      expect({ app, service: servicePort(endpoint.hostname, urlPort(endpoint)) }).toEqual({ app, service: true });
    }
    const jaeger = podTemplate(objects, 'jaeger');
    expect(configMapFile(jaeger, objects, argumentOf(jaeger.spec!.containers[0].args, '--config'))).toBe(readRepoFile(JAEGER_CONFIG));
  });
});

describe('docs/observability.md', () => {
  let docs: string;

  beforeAll(() => {
    docs = readRepoFile('docs/observability.md');
  });

  it('should describe every metric of the catalogue and every alert', () => {
    expect(EXPORTED_METRIC_NAMES.filter((name) => !docs.includes(`\`${name}\``))).toEqual([]);
    const alerts = loadYaml<RuleFile>(ALERTS).groups.flatMap((group) => group.rules.map((rule) => rule.alert));
    expect(alerts.filter((alert) => !docs.includes(`\`${alert}\``))).toEqual([]);
  });

  it('should only name files that exist', () => {
    const mentioned = docs.match(/(?<![\w/.-])((k8s|deploy|test\/deploy|libs\/[\w-]+\/src)\/[\w./-]*[\w-]|docker-compose\.yml)/g) ?? [];
    expect(mentioned.length).toBeGreaterThan(5);
    expect([...new Set(mentioned)].filter((file) => !existsSync(path.join(ROOT, file)))).toEqual([]);
  });
});

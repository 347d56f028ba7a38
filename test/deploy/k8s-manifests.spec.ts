import { CONFIG_ENV_NAMES } from '@app/config';
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { IContainer, IProbe, IService } from 'kubernetes-models/v1';
import { schemaProblems, unknownFieldProblems } from './k8s-schema.js';
import { exposedPorts } from './dockerfile.js';
import {
  APP_COMMANDS,
  appOf,
  CONNECTION_ENV,
  containerEnv,
  containersOf,
  find,
  idOf,
  isSeatGridImage,
  K8sObject,
  labelsMatch,
  NON_APP_ENV_NAMES,
  PORT_ENV,
  refusedVariables,
  renderKustomize,
  resolvePort,
  workloads,
} from './manifests.js';

const KUSTOMIZATIONS = ['k8s/base', 'k8s/overlays/local', 'k8s/overlays/production'];

/**
 * What keeps each kustomization's gateway from starting as committed: the base leaves the authentication mode to
 * the overlays, and the production overlay's ADMIN_TOKEN is the placeholder the operator must replace.
 */
const GATEWAY_REFUSALS: Record<string, string[]> = { 'k8s/base': ['AUTH_MODE'], 'k8s/overlays/production': ['ADMIN_TOKEN'] };

/** Every SeatGrid container of every workload, with the app its command starts. */
function seatGridContainers(objects: K8sObject[]) {
  return workloads(objects).flatMap(({ object, template }) =>
    containersOf(template)
      .filter((container) => isSeatGridImage(container.image))
      .map((container) => ({ where: `${idOf(object)} ${container.name}`, container, template, app: appOf(container.args) })),
  );
}

describe.each(KUSTOMIZATIONS)('%s', (dir) => {
  let objects: K8sObject[];

  beforeAll(() => {
    objects = renderKustomize(dir);
  });

  it('should validate every object against the Kubernetes OpenAPI schema', async () => {
    expect(objects.length).toBeGreaterThan(0);
    expect(await schemaProblems(objects)).toEqual([]);
  });

  it('should use no field unknown to the Kubernetes API', () => {
    expect(unknownFieldProblems(objects)).toEqual([]);
  });

  it('should start every SeatGrid container with a package.json command, keeping the image entrypoint', () => {
    const containers = seatGridContainers(objects);
    expect(containers.map(({ app }) => app)).toEqual(expect.arrayContaining(['gateway', 'inventory', 'migrate']));
    for (const { where, container, app } of containers) {
      // `args` replaces the image's CMD only; `command` would also replace tini, which forwards SIGTERM.
      expect({ where, command: container.command }).toEqual({ where, command: undefined });
      expect({ where, app }).toEqual({ where, app: expect.any(String) });
    }
  });

  it('should probe /health/live and /health/ready on the port each app listens on', () => {
    const servers = seatGridContainers(objects).filter(({ app }) => app === 'gateway' || app === 'inventory');
    expect(servers.length).toBeGreaterThanOrEqual(2);
    for (const { where, container, app } of servers) {
      const port = Number(containerEnv(container, objects)[PORT_ENV[app as keyof typeof PORT_ENV]]);
      const probed = (probe: IProbe | undefined) => ({ where, path: probe?.httpGet?.path, port: resolvePort([container], probe?.httpGet?.port) });
      expect(probed(container.livenessProbe)).toEqual({ where, path: '/health/live', port });
      expect(probed(container.readinessProbe)).toEqual({ where, path: '/health/ready', port });
      if (container.startupProbe) expect(probed(container.startupProbe)).toEqual({ where, path: '/health/live', port });
      expect({ where, containerPorts: container.ports?.map((declared) => declared.containerPort) }).toEqual({ where, containerPorts: [port] });
      expect(exposedPorts()).toContain(port);
    }
  });

  it('should annotate app pods for Prometheus on the port serving /metrics', () => {
    for (const { where, container, template, app } of seatGridContainers(objects)) {
      if (app !== 'gateway' && app !== 'inventory') continue;
      const port = containerEnv(container, objects)[PORT_ENV[app]];
      const annotations = template.metadata?.annotations ?? {};
      expect({ where, scrape: annotations['prometheus.io/scrape'], port: annotations['prometheus.io/port'], path: annotations['prometheus.io/path'] }).toEqual({
        where,
        scrape: 'true',
        port,
        path: '/metrics',
      });
    }
  });

  it('should give every container only environment variables it understands', () => {
    for (const { object, template } of workloads(objects)) {
      for (const container of containersOf(template)) {
        const env = containerEnv(container, objects);
        const allowed = isSeatGridImage(container.image) ? CONFIG_ENV_NAMES : [...CONFIG_ENV_NAMES, ...NON_APP_ENV_NAMES];
        const where = `${idOf(object)} ${container.name}`;
        expect({ where, unknown: Object.keys(env).filter((name) => !allowed.includes(name)) }).toEqual({ where, unknown: [] });
        if (!isSeatGridImage(container.image)) continue;
        expect({ where, missing: CONNECTION_ENV.filter((name) => !env[name]) }).toEqual({ where, missing: [] });
        // The app's own start-up validation, with the image's NODE_ENV: a bad URL, port or token fails here, not in the cluster.
        const app = appOf(container.args);
        const expected = app === 'gateway' ? (GATEWAY_REFUSALS[dir] ?? []) : [];
        expect({ where, refused: refusedVariables(env, app) }).toEqual({ where, refused: expected });
      }
    }
  });

  it('should lock down every SeatGrid container', () => {
    for (const { where, container, template } of seatGridContainers(objects)) {
      const pod = template.spec?.securityContext ?? {};
      const own = container.securityContext ?? {};
      const tmp = container.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
      const tmpVolume = template.spec?.volumes?.find((volume) => volume.name === tmp?.name);
      expect({
        where,
        runAsNonRoot: own.runAsNonRoot ?? pod.runAsNonRoot,
        // The image's USER is a name: the kubelet can only enforce runAsNonRoot on a numeric non-zero uid.
        runAsUserNonZero: (own.runAsUser ?? pod.runAsUser ?? 0) > 0,
        readOnlyRootFilesystem: own.readOnlyRootFilesystem,
        allowPrivilegeEscalation: own.allowPrivilegeEscalation,
        drop: own.capabilities?.drop,
        writableTmp: tmpVolume?.emptyDir !== undefined,
      }).toEqual({ where, runAsNonRoot: true, runAsUserNonZero: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, drop: ['ALL'], writableTmp: true });
    }
  });

  it('should set resource requests and limits on every container', () => {
    for (const { object, template } of workloads(objects)) {
      for (const container of containersOf(template)) {
        const { requests = {}, limits = {} } = container.resources ?? {};
        const where = `${idOf(object)} ${container.name}`;
        expect({ where, requests: Object.keys(requests).sort(), limits: Object.keys(limits).sort() }).toEqual({ where, requests: ['cpu', 'memory'], limits: ['cpu', 'memory'] });
      }
    }
  });

  it('should point every Service at pods that have its target ports', () => {
    const services = objects.filter((object) => object.kind === 'Service') as unknown as (IService & K8sObject)[];
    expect(services.length).toBeGreaterThan(0);
    for (const service of services) {
      const pods = workloads(objects).filter(({ template }) => labelsMatch(service.spec?.selector, template.metadata?.labels));
      const containers = pods.flatMap(({ template }) => template.spec?.containers ?? []);
      const where = idOf(service);
      expect({ where, pods: pods.length > 0 }).toEqual({ where, pods: true });
      for (const port of service.spec?.ports ?? []) {
        expect({ where, port: port.name, resolved: resolvePort(containers, port.targetPort ?? port.port) !== undefined }).toEqual({ where, port: port.name, resolved: true });
      }
    }
  });

  it('should scale the gateway with an autoscaler and protect it with a disruption budget', () => {
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'gateway') as unknown as IHorizontalPodAutoscaler | undefined;
    const target = find(objects, hpa?.spec?.scaleTargetRef.kind ?? '', hpa?.spec?.scaleTargetRef.name ?? '') as unknown as IDeployment | undefined;
    expect(target?.spec?.template.spec?.containers.map((container) => appOf(container.args))).toEqual(['gateway']);
    // A replica count in the Deployment would be re-applied over the autoscaler's on every `kubectl apply`.
    expect(target?.spec?.replicas).toBeUndefined();
    expect(hpa?.spec?.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa?.spec?.metrics).toEqual(expect.arrayContaining([{ type: 'Resource', resource: { name: 'cpu', target: expect.objectContaining({ type: 'Utilization' }) } }]));

    const budgets = objects.filter((object) => object.kind === 'PodDisruptionBudget') as unknown as IPodDisruptionBudget[];
    expect(budgets.some((budget) => labelsMatch(budget.spec?.selector?.matchLabels, target?.spec?.template.metadata?.labels))).toBe(true);
  });

  it('should route every Ingress to an existing Service port', () => {
    for (const ingress of objects.filter((object) => object.kind === 'Ingress') as unknown as (IIngress & K8sObject)[]) {
      for (const path of ingress.spec?.rules?.flatMap((rule) => rule.http?.paths ?? []) ?? []) {
        const backend = path.backend.service!;
        const service = find(objects, 'Service', backend.name) as unknown as IService | undefined;
        const port = service?.spec?.ports?.find((candidate) => candidate.name === backend.port?.name || candidate.port === backend.port?.number);
        expect({ where: idOf(ingress), service: backend.name, port: port !== undefined }).toEqual({ where: idOf(ingress), service: backend.name, port: true });
      }
    }
  });

  it('should migrate the database before any app container starts', () => {
    const job = workloads(objects).find(({ object }) => object.kind === 'Job');
    expect(job?.template.spec?.containers.map((container) => container.args)).toEqual([APP_COMMANDS.migrate]);
    const apps = workloads(objects).filter(({ template }) => template.spec?.containers.some((container) => isSeatGridImage(container.image)));
    for (const { object, template } of apps.filter(({ object }) => object.kind === 'Deployment')) {
      const initApps = (template.spec?.initContainers ?? []).map((container: IContainer) => appOf(container.args));
      expect({ where: idOf(object), initApps }).toEqual({ where: idOf(object), initApps: ['migrate'] });
    }
  });
});

describe('manifest validation', () => {
  const gateway = () => structuredClone(find(renderKustomize('k8s/overlays/local'), 'Deployment', 'gateway')!) as K8sObject & IDeployment;

  it('should reject a field of the wrong type', async () => {
    const broken = gateway();
    (broken.spec!.template.spec!.containers[0].ports![0] as { containerPort: unknown }).containerPort = '3000';
    expect(await schemaProblems([broken])).toEqual([expect.stringContaining('containerPort')]);
  });

  it('should reject a misspelt field', () => {
    const broken = gateway();
    const container = broken.spec!.template.spec!.containers[0] as unknown as Record<string, unknown>;
    container.readinesProbe = container.readinessProbe;
    delete container.readinessProbe;
    expect(unknownFieldProblems([broken])).toEqual([expect.stringContaining('readinesProbe')]);
  });
});

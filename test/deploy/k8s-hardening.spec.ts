import { parse } from 'yaml';
import type { IStatefulSet } from 'kubernetes-models/apps/v1';
import type { IIngress, IHTTPIngressPath } from 'kubernetes-models/networking.k8s.io/v1';
import type { IService } from 'kubernetes-models/v1';
import {
  containerEnv,
  containersOf,
  find,
  findOrThrow,
  idOf,
  isPinnedImage,
  isSeatGridImage,
  K8sObject,
  labelsMatch,
  readRepoFile,
  renderKustomize,
  resolvePort,
  workloads,
} from './manifests.js';
import { admits, appliesTo, networkPolicies, Pod, podOf, podsOf, strangerPod } from './network-policy.js';

const KUSTOMIZATIONS = ['k8s/base', 'k8s/overlays/local', 'k8s/overlays/production'];
const NAMESPACE = 'seatgrid';
const DATA_STORES = ['postgres', 'redis', 'rabbitmq'];
const APPS = ['gateway', 'inventory', 'migrate'];
/** The gateway's paths for operators and machines: reached inside the cluster, never through an Ingress. */
const INTERNAL_PATHS = ['/metrics', '/docs', '/docs-json', '/health/ready'];
const URL_SETTINGS = ['DATABASE_URL', 'REDIS_URL', 'RABBITMQ_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT'];

const INGRESS_CONTROLLER = strangerPod('ingress-nginx', 'ingress-nginx');
const NAMESPACE_STRANGER = strangerPod(NAMESPACE, 'debug-shell');
const OUTSIDE_PROMETHEUS = strangerPod('monitoring', 'prometheus');

const nameOf = (pod: Pod) => pod.labels['app.kubernetes.io/name'];
const portsOf = (pod: Pod) => pod.ports.map((port) => port.number);

/** Whether an Ingress path sends a request for `path` to its backend (Prefix matches whole path elements). */
function routes({ path: routed = '/', pathType }: IHTTPIngressPath, path: string): boolean {
  if (pathType === 'Exact') return path === routed;
  if (pathType === 'Prefix') return routed === '/' || path === routed.replace(/\/$/, '') || path.startsWith(routed.replace(/\/?$/, '/'));
  return path.startsWith(routed);
}

interface Connection {
  from: Pod;
  what: string;
  url: URL;
}

/** The pods and container ports behind a URL's host and port, through a Service of the rendered set. */
function destinations(objects: K8sObject[], url: URL): { pod: Pod; port: number }[] {
  const service = find(objects, 'Service', url.hostname) as unknown as IService | undefined;
  const servicePort = service?.spec?.ports?.find((candidate) => candidate.port === Number(url.port));
  return workloads(objects)
    .filter(({ template }) => labelsMatch(service?.spec?.selector, template.metadata?.labels))
    .map((workload) => ({ pod: podOf(workload), port: resolvePort(containersOf(workload.template), servicePort?.targetPort ?? servicePort?.port)! }));
}

/** What the apps' settings, Grafana's data sources and Prometheus' scrape annotations make pods connect to. */
function configuredConnections(objects: K8sObject[]): Connection[] {
  const fromApps = workloads(objects).flatMap((workload) =>
    containersOf(workload.template)
      .filter((container) => isSeatGridImage(container.image))
      .flatMap((container) => {
        const env = containerEnv(container, objects);
        return URL_SETTINGS.filter((name) => env[name]).map((name) => ({ from: podOf(workload), what: `${idOf(workload.object)} ${name}`, url: new URL(env[name]) }));
      }),
  );
  const grafana = podsOf(objects).find((pod) => nameOf(pod) === 'grafana')!;
  const datasources = parse(readRepoFile('deploy/observability/grafana/provisioning/datasources/datasources.yml')).datasources as { uid: string; url: string }[];
  const fromGrafana = datasources.map(({ uid, url }) => ({ from: grafana, what: `grafana data source ${uid}`, url: new URL(url) }));
  return [...fromApps, ...fromGrafana];
}

describe.each(KUSTOMIZATIONS)('%s hardening', (dir) => {
  let objects: K8sObject[];
  let pods: Pod[];

  beforeAll(() => {
    objects = renderKustomize(dir);
    pods = podsOf(objects);
  });

  it('should pin every image it pulls to a release', () => {
    const images = workloads(objects).flatMap(({ template }) => containersOf(template).map((container) => container.image));
    expect(images.filter((image) => !isSeatGridImage(image) && !isPinnedImage(image))).toEqual([]);
  });

  it('should deny ingress to every pod that no NetworkPolicy admits to, and leave egress open', () => {
    const policies = networkPolicies(objects);
    expect(pods.filter((pod) => !policies.some((policy) => appliesTo(policy, pod))).map((pod) => pod.name)).toEqual([]);
    expect(policies.filter((policy) => policy.spec?.policyTypes?.includes('Egress')).map(idOf)).toEqual([]);
  });

  it('should let only the gateway take traffic from outside, and Prometheus scrape the inventory', () => {
    const policies = networkPolicies(objects);
    const gateway = pods.find((pod) => nameOf(pod) === 'gateway')!;
    expect(portsOf(gateway).every((port) => admits(policies, INGRESS_CONTROLLER, gateway, port))).toBe(true);
    const open = pods
      .filter((pod) => pod !== gateway)
      .flatMap((pod) => portsOf(pod).map((port) => ({ pod, port })))
      .filter(({ pod, port }) => admits(policies, INGRESS_CONTROLLER, pod, port) || admits(policies, NAMESPACE_STRANGER, pod, port));
    expect(open.map(({ pod, port }) => `${pod.name}:${port}`)).toEqual([]);
    const inventory = pods.find((pod) => nameOf(pod) === 'inventory')!;
    expect(portsOf(inventory).every((port) => admits(policies, OUTSIDE_PROMETHEUS, inventory, port))).toBe(true);
  });

  it('should keep /metrics, /docs and the health checks off every Ingress', () => {
    const ingresses = objects.filter((object) => object.kind === 'Ingress') as unknown as (IIngress & K8sObject)[];
    const paths = ingresses.flatMap((ingress) => ingress.spec?.rules?.flatMap((rule) => rule.http?.paths ?? []) ?? []);
    expect(INTERNAL_PATHS.filter((path) => paths.some((routed) => routes(routed, path)))).toEqual([]);
    if (ingresses.length > 0) expect(['/events/1/seats', '/bookings'].filter((path) => !paths.some((routed) => routes(routed, path)))).toEqual([]);
  });
});

describe('k8s/overlays/local data stores', () => {
  let objects: K8sObject[];

  beforeAll(() => {
    objects = renderKustomize('k8s/overlays/local');
  });

  it('should take connections from the SeatGrid apps only', () => {
    const policies = networkPolicies(objects);
    const pods = podsOf(objects);
    const stores = pods.filter((pod) => DATA_STORES.includes(nameOf(pod)));
    expect(stores.map(nameOf).sort()).toEqual([...DATA_STORES].sort());
    for (const store of stores) {
      const admitted = pods.filter((pod) => portsOf(store).some((port) => admits(policies, pod, store, port)));
      expect({ store: store.name, admitted: [...new Set(admitted.map(nameOf))].sort() }).toEqual({ store: store.name, admitted: [...APPS].sort() });
    }
  });

  it('should admit every connection the configuration makes', () => {
    const policies = networkPolicies(objects);
    const refused = configuredConnections(objects).flatMap(({ from, what, url }) =>
      destinations(objects, url)
        .filter(({ pod, port }) => !admits(policies, from, pod, port))
        .map(({ pod, port }) => `${what} -> ${pod.name}:${port}`),
    );
    expect(refused).toEqual([]);
  });

  it('should run as non-root users that cannot gain privileges', () => {
    for (const name of DATA_STORES) {
      const template = (findOrThrow(objects, 'StatefulSet', name) as unknown as IStatefulSet).spec!.template;
      const pod = template.spec?.securityContext ?? {};
      expect({ name, runAsNonRoot: pod.runAsNonRoot, runAsUser: (pod.runAsUser ?? 0) > 0, fsGroup: (pod.fsGroup ?? 0) > 0, seccomp: pod.seccompProfile?.type }).toEqual({
        name,
        runAsNonRoot: true,
        runAsUser: true,
        fsGroup: true,
        seccomp: 'RuntimeDefault',
      });
      for (const container of containersOf(template)) {
        const own = container.securityContext ?? {};
        const where = `${name} ${container.name}`;
        expect({ where, escalation: own.allowPrivilegeEscalation, drop: own.capabilities?.drop }).toEqual({ where, escalation: false, drop: ['ALL'] });
      }
      expect({ name, token: template.spec?.automountServiceAccountToken }).toEqual({ name, token: false });
    }
  });
});

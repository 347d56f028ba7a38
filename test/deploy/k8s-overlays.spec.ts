import { randomBytes } from 'node:crypto';
import type { IDeployment, IStatefulSet } from 'kubernetes-models/apps/v1';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1';
import type { IPodSpec, IService } from 'kubernetes-models/v1';
import {
  composeEnv,
  containerEnv,
  containersOf,
  find,
  findOrThrow,
  idOf,
  isSeatGridImage,
  K8sObject,
  labelsMatch,
  loadCompose,
  refusedVariables,
  renderKustomize,
  workloads,
} from './manifests.js';

const NAMESPACE = 'seatgrid';
const DATA_STORES = ['postgres', 'redis', 'rabbitmq'];

const appEnv = (objects: K8sObject[]) => {
  const gateway = findOrThrow(objects, 'Deployment', 'gateway') as unknown as IDeployment;
  return containerEnv(gateway.spec!.template.spec!.containers[0], objects);
};

function expectAllInNamespace(objects: K8sObject[]) {
  const namespaced = objects.filter((object) => object.kind !== 'Namespace');
  expect(namespaced.filter((object) => object.metadata.namespace !== NAMESPACE).map(idOf)).toEqual([]);
  expect(find(objects, 'Namespace', NAMESPACE)).toBeDefined();
}

describe('k8s/overlays/local', () => {
  let objects: K8sObject[];

  beforeAll(() => {
    objects = renderKustomize('k8s/overlays/local');
  });

  it('should put everything in the seatgrid namespace it creates', () => {
    expectAllInNamespace(objects);
  });

  it('should run PostgreSQL, Redis and RabbitMQ as StatefulSets with persistent volumes behind headless Services', () => {
    const composeImages = loadCompose().services;
    for (const name of DATA_STORES) {
      const set = findOrThrow(objects, 'StatefulSet', name) as unknown as IStatefulSet;
      const service = findOrThrow(objects, 'Service', set.spec!.serviceName!) as unknown as IService;
      const claims = set.spec!.volumeClaimTemplates?.map((claim) => claim.metadata?.name) ?? [];
      const mounts = set.spec!.template.spec!.containers.flatMap((container) => container.volumeMounts ?? []).map((mount) => mount.name);
      expect({ name, claims: claims.length > 0, mounted: claims.every((claim) => mounts.includes(claim!)) }).toEqual({ name, claims: true, mounted: true });
      expect({ name, clusterIP: service.spec?.clusterIP, selects: labelsMatch(service.spec?.selector, set.spec!.template.metadata?.labels) }).toEqual({
        name,
        clusterIP: 'None',
        selects: true,
      });
      // The same versions as docker-compose.yml, so that both ways of running SeatGrid behave alike.
      expect({ name, image: set.spec!.template.spec!.containers[0].image }).toEqual({ name, image: composeImages[name].image });
    }
  });

  it('should point the app URLs at the in-cluster data stores with their credentials', () => {
    const env = appEnv(objects);
    const container = (name: string) => (findOrThrow(objects, 'StatefulSet', name) as unknown as IStatefulSet).spec!.template.spec!.containers[0];
    const credentials = (name: string) => containerEnv(container(name), objects);
    const servicePorts = (url: URL) => {
      const service = find(objects, 'Service', url.hostname) as unknown as IService | undefined;
      return service?.spec?.ports?.map((port) => port.port) ?? [];
    };

    const database = new URL(env.DATABASE_URL);
    const postgres = credentials('postgres');
    expect(servicePorts(database)).toContain(Number(database.port));
    expect([database.username, decodeURIComponent(database.password), database.pathname]).toEqual([postgres.POSTGRES_USER, postgres.POSTGRES_PASSWORD, `/${postgres.POSTGRES_DB}`]);

    const broker = new URL(env.RABBITMQ_URL);
    const rabbitmq = credentials('rabbitmq');
    expect(servicePorts(broker)).toContain(Number(broker.port));
    expect([broker.username, decodeURIComponent(broker.password)]).toEqual([rabbitmq.RABBITMQ_DEFAULT_USER, rabbitmq.RABBITMQ_DEFAULT_PASS]);

    const cache = new URL(env.REDIS_URL);
    expect(servicePorts(cache)).toContain(Number(cache.port));
    // Kubernetes expands $(NAME) in args from the container's own environment.
    const redisArgs = (container('redis').args ?? []).map((arg) => arg.replace(/\$\((\w+)\)/g, (_, name: string) => credentials('redis')[name]));
    const password = redisArgs[redisArgs.indexOf('--requirepass') + 1];
    expect(password).toEqual(expect.stringMatching(/.{16,}/));
    expect([decodeURIComponent(cache.password), credentials('redis').REDISCLI_AUTH]).toEqual([password, password]);
  });

  it("should expose the gateway's API at seatgrid.localtest.me through ingress-nginx", () => {
    const ingress = findOrThrow(objects, 'Ingress', 'gateway') as unknown as IIngress;
    expect(ingress.spec?.ingressClassName).toBe('nginx');
    expect(ingress.spec?.rules?.map((rule) => [rule.host, rule.http?.paths.map((path) => [path.path, path.backend.service?.name])])).toEqual([
      [
        'seatgrid.localtest.me',
        [
          ['/events', 'gateway'],
          ['/bookings', 'gateway'],
          ['/queue', 'gateway'],
        ],
      ],
    ]);
  });

  it('should run the locally built image without pulling it', () => {
    const images = workloads(objects).flatMap(({ template }) =>
      containersOf(template)
        .filter((container) => isSeatGridImage(container.image))
        .map((container) => [container.image, container.imagePullPolicy]),
    );
    expect(images.length).toBeGreaterThanOrEqual(5);
    expect(new Set(images.map((pair) => pair.join(' ')))).toEqual(new Set(['seatgrid:local IfNotPresent']));
  });
});

describe('k8s/overlays/production', () => {
  let objects: K8sObject[];
  let local: K8sObject[];

  beforeAll(() => {
    objects = renderKustomize('k8s/overlays/production');
    local = renderKustomize('k8s/overlays/local');
  });

  it('should put everything in the seatgrid namespace it creates', () => {
    expectAllInNamespace(objects);
  });

  it('should reach managed data stores instead of running them in the cluster', () => {
    expect(objects.filter((object) => object.kind === 'StatefulSet' || object.kind === 'PersistentVolumeClaim').map(idOf)).toEqual([]);
    const env = appEnv(objects);
    // Fully qualified names outside the cluster, not one of the local overlay's Services.
    const inCluster = ['DATABASE_URL', 'REDIS_URL', 'RABBITMQ_URL'].filter((name) => {
      const host = new URL(env[name]).hostname;
      return !host.includes('.') || find(local, 'Service', host.split('.')[0]) !== undefined;
    });
    expect(inCluster).toEqual([]);
    // The local overlay's example credentials must not reach production.
    const localEnv = appEnv(local);
    expect(['DATABASE_URL', 'RABBITMQ_URL', 'ADMIN_TOKEN'].filter((name) => env[name] === localEnv[name])).toEqual([]);
  });

  it('should run in production mode, verifying the tokens of an OIDC provider', () => {
    const env = appEnv(objects);
    expect([env.NODE_ENV, env.AUTH_MODE]).toEqual(['production', 'jwt']);
    expect(new URL(env.AUTH_JWKS_URL).protocol).toBe('https:');
    expect([env.AUTH_ISSUER, env.AUTH_AUDIENCE]).toEqual([expect.any(String), expect.any(String)]);
  });

  it('should reach every data store over TLS, verifying the database server', () => {
    const env = appEnv(objects);
    const database = new URL(env.DATABASE_URL);
    expect(['verify-full', 'verify-ca']).toContain(database.searchParams.get('sslmode'));
    expect([new URL(env.REDIS_URL).protocol, new URL(env.RABBITMQ_URL).protocol]).toEqual(['rediss:', 'amqps:']);
  });

  it('should not start the gateway until the operator replaces the committed ADMIN_TOKEN', () => {
    const env = appEnv(objects);
    expect(refusedVariables(env, 'gateway')).toEqual(['ADMIN_TOKEN']);
    expect(refusedVariables({ ...env, ADMIN_TOKEN: randomBytes(32).toString('hex') }, 'gateway')).toEqual([]);
  });

  it('should run more app replicas than the local overlay', () => {
    const minReplicas = (set: K8sObject[]) => (findOrThrow(set, 'HorizontalPodAutoscaler', 'gateway') as unknown as IHorizontalPodAutoscaler).spec!.minReplicas!;
    const inventoryReplicas = (set: K8sObject[]) => (findOrThrow(set, 'Deployment', 'inventory') as unknown as IDeployment).spec!.replicas ?? 1;
    expect(minReplicas(objects)).toBeGreaterThan(minReplicas(local));
    expect(inventoryReplicas(objects)).toBeGreaterThan(inventoryReplicas(local));
  });

  it('should spread each app over nodes and zones', () => {
    for (const name of ['gateway', 'inventory']) {
      const deployment = findOrThrow(objects, 'Deployment', name) as unknown as IDeployment;
      const spec: IPodSpec = deployment.spec!.template.spec!;
      const labels = deployment.spec!.template.metadata?.labels;
      const antiAffinity = spec.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
      expect({ name, hostname: antiAffinity.some(({ podAffinityTerm: term }) => term.topologyKey === 'kubernetes.io/hostname' && labelsMatch(term.labelSelector?.matchLabels, labels)) }).toEqual({
        name,
        hostname: true,
      });
      expect({ name, zone: spec.topologySpreadConstraints?.some((spread) => spread.topologyKey === 'topology.kubernetes.io/zone' && labelsMatch(spread.labelSelector?.matchLabels, labels)) }).toEqual({
        name,
        zone: true,
      });
    }
  });

  it('should scale the gateway on requests per second as well as CPU', () => {
    const hpa = findOrThrow(objects, 'HorizontalPodAutoscaler', 'gateway') as unknown as IHorizontalPodAutoscaler;
    expect(hpa.spec?.metrics?.map((metric) => [metric.type, metric.resource?.name ?? metric.pods?.metric.name])).toEqual([
      ['Resource', 'cpu'],
      ['Pods', 'seatgrid_http_requests_per_second'],
    ]);
  });

  it('should pull a versioned image from a registry', () => {
    const images = new Set(workloads(objects).flatMap(({ template }) => containersOf(template).map((container) => container.image)));
    expect(images.size).toBe(1);
    const [image] = images;
    expect(image).toMatch(/^[\w.-]+\.[a-z]+(:\d+)?\/[\w./-]+:[\w.-]+$/);
    expect(image).not.toMatch(/:(latest|local)$/);
  });
});

describe('docker-compose.yml and k8s/overlays/local', () => {
  // The identity provider is wired per environment: compose brings Keycloak (jwt), a laptop cluster has none (header).
  it('should configure the apps alike apart from host names, credentials and the identity provider', () => {
    const compose = composeEnv(loadCompose().services.gateway);
    const k8s = appEnv(renderKustomize('k8s/overlays/local'));
    const settings = (env: Record<string, string>) =>
      Object.fromEntries(Object.entries(env).filter(([name]) => !name.endsWith('_URL') && name !== 'ADMIN_TOKEN' && !name.startsWith('AUTH_')));
    expect(settings(k8s)).toEqual(expect.objectContaining(settings(compose)));
  });
});

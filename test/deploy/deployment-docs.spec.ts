import { existsSync } from 'node:fs';
import path from 'node:path';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1';
import { CONFIG_ENV_NAMES } from '@app/config';
import { APP_COMMANDS, findOrThrow, readRepoFile, renderKustomize, ROOT } from './manifests.js';

describe('docs/deployment.md', () => {
  const docs = readRepoFile('docs/deployment.md');

  it('should only name deployment files that exist', () => {
    const mentioned = docs.match(/(?<![\w/.-])((k8s|deploy|test\/deploy|libs\/config\/src)\/[\w./-]*[\w-]|Dockerfile|\.dockerignore|docker-compose\.yml)/g) ?? [];
    expect(mentioned.length).toBeGreaterThan(10);
    expect([...new Set(mentioned)].filter((file) => !existsSync(path.join(ROOT, file)))).toEqual([]);
  });

  it('should give the command of each process as package.json does', () => {
    for (const command of Object.values(APP_COMMANDS)) expect(docs).toContain(`\`${command.join(' ')}\``);
  });

  it('should build, deploy and load-test with the names the manifests use', () => {
    const ingress = findOrThrow(renderKustomize('k8s/overlays/local'), 'Ingress', 'gateway') as unknown as IIngress;
    for (const command of [
      'docker compose up --build',
      'docker build -t seatgrid:local .',
      'kubectl apply -k k8s/overlays/local',
      `k6 run -e BASE_URL=http://${ingress.spec?.rules?.[0].host} k6/thundering-herd.ts`,
      'kubectl get hpa -w',
    ]) {
      expect(docs).toContain(command);
    }
  });
});

describe('README.md', () => {
  const readme = readRepoFile('README.md');

  it('should have a configuration row for every variable the apps read', () => {
    expect(CONFIG_ENV_NAMES.filter((name) => !readme.includes(`| \`${name}\` |`))).toEqual([]);
  });

  it('should only name source files and documents that exist', () => {
    const mentioned = readme.match(/(?<![\w/.-])((apps|libs|docs|test|bench|k6|tools|k8s|deploy)\/[\w./-]*\.(ts|md|mjs|json|yaml|yml))/g) ?? [];
    expect(mentioned.length).toBeGreaterThan(5);
    expect([...new Set(mentioned)].filter((file) => !existsSync(path.join(ROOT, file)))).toEqual([]);
  });
});

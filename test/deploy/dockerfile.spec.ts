import { loadConfig } from '@app/config';
import { dockerfileStages, execForm, exposedPorts, imageEnv, Instruction, Stage } from './dockerfile.js';
import { APP_COMMANDS, readRepoFile } from './manifests.js';

const runs = (stage: Stage): string[] => stage.instructions.filter((instruction) => instruction.keyword === 'RUN').map((instruction) => instruction.args);
const last = (stage: Stage, keyword: string): Instruction | undefined => stage.instructions.findLast((instruction) => instruction.keyword === keyword);

describe('Dockerfile', () => {
  const stages = dockerfileStages();
  const final = stages.at(-1)!;

  it('should build in a stage of its own with the dev dependencies', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const build = stages.find((stage) => runs(stage).some((command) => /\bnpm run build\b/.test(command)));
    expect(build).toBeDefined();
    expect(build).not.toBe(final);
    expect(runs(build!).some((command) => /\bnpm ci\b/.test(command) && !/--omit=dev|--production/.test(command))).toBe(true);
    // The final stage takes the compiled output from it, and nothing else.
    const copies = final.instructions.filter((instruction) => instruction.keyword === 'COPY' && instruction.args.includes(`--from=${build!.name}`));
    expect(copies.map((copy) => copy.args.split(/\s+/).filter((word) => !word.startsWith('--')))).toEqual([['/app/dist', './dist']]);
  });

  it('should install only production dependencies in the final stage', () => {
    const installs = runs(final).filter((command) => /\bnpm (ci|install|i)\b/.test(command));
    expect(installs).toEqual([expect.stringMatching(/\bnpm ci --omit=dev\b/)]);
  });

  it('should run on a pinned Node release as a non-root user with NODE_ENV=production', () => {
    // Which release: runtime.spec.ts checks it against package.json's engines and every dependency's.
    expect(final.image).toMatch(/^node:\d+\.\d+\.\d+-(slim|alpine|bookworm-slim)$/);
    expect(last(final, 'USER')?.args).toMatch(/^(node|[1-9]\d*)(:\S+)?$/);
    expect(final.instructions.filter((instruction) => instruction.keyword === 'ENV').map((instruction) => instruction.args)).toContainEqual(
      expect.stringMatching(/(^|\s)NODE_ENV=production(\s|$)/),
    );
  });

  it('should give the apps the same Node flags in the image, under npm start and in the bench', () => {
    const flags = imageEnv().NODE_OPTIONS?.split(/\s+/) ?? [];
    expect(flags).toContain('--max-semi-space-size=4');
    for (const flag of flags) {
      expect(readRepoFile('tools/start-local.mjs')).toContain(`node ${flag}`);
      expect(readRepoFile('bench/system.ts')).toContain(`'${flag}'`);
    }
  });

  it('should start the gateway by default, in exec form behind an init process that forwards SIGTERM', () => {
    expect(execForm(last(final, 'CMD')?.args ?? '')).toEqual(APP_COMMANDS.gateway);
    // Compose and Kubernetes replace CMD (command/args) to run the other apps and keep this ENTRYPOINT.
    expect(execForm(last(final, 'ENTRYPOINT')?.args ?? '')).toEqual(['/usr/bin/tini', '--']);
    expect(runs(final).some((command) => /apt-get install .*\btini\b/.test(command))).toBe(true);
  });

  it('should check /health/live with node, as the slim image has no curl', () => {
    const healthcheck = last(final, 'HEALTHCHECK')?.args ?? '';
    const command = execForm(healthcheck.replace(/^(--\S+\s+)*CMD\s+/, ''));
    expect(command?.slice(0, 2)).toEqual(['node', '-e']);
    expect(command?.[2]).toMatch(/fetch\(.*process\.env\.GATEWAY_PORT.*\/health\/live/);
  });

  it('should expose the default ports of both apps', () => {
    const { gateway, inventory } = loadConfig({});
    expect(exposedPorts().sort()).toEqual([gateway.port, inventory.port].sort());
  });
});

describe('.dockerignore', () => {
  const patterns = readRepoFile('.dockerignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));

  it('should keep local builds, dependencies and git history out of the build context', () => {
    expect(patterns).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git']));
  });

  it('should keep what `npm ci` and `npm run build` need', () => {
    const needed = ['package.json', 'package-lock.json', 'nest-cli.json', 'tsconfig.json', 'apps', 'libs'];
    const ignores = (name: string) => patterns.some((pattern) => new RegExp(`^${pattern.replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}$`).test(name));
    expect(needed.filter(ignores)).toEqual([]);
  });
});

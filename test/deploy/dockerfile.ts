import { readRepoFile } from './repo.js';

// The Dockerfile, read the way docker build reads it.

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  image: string;
  name?: string;
  instructions: Instruction[];
}

/** Splits a Dockerfile into stages of instructions, joining continuation lines and dropping comments. */
export function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let pending = '';
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line)) continue;
    if (line.trimEnd().endsWith('\\')) {
      pending += line.trimEnd().slice(0, -1) + ' ';
      continue;
    }
    const complete = (pending + line).trim();
    pending = '';
    if (complete) logical.push(complete);
  }
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword, args] = /^(\S+)\s*(.*)$/s.exec(line)!;
    if (keyword.toUpperCase() === 'FROM') {
      const [image, as, name] = args.split(/\s+/).filter((word) => !word.startsWith('--'));
      stages.push({ image, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      if (stages.length === 0) throw new Error(`Dockerfile: ${keyword} before the first FROM`);
      stages.at(-1)!.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

/** The argument list of an exec-form (JSON array) instruction, or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  try {
    const value: unknown = JSON.parse(args);
    return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}

export const dockerfileStages = (): Stage[] => parseDockerfile(readRepoFile('Dockerfile'));

/** Ports the final image EXPOSEs. */
export function exposedPorts(): number[] {
  return dockerfileStages()
    .at(-1)!
    .instructions.filter((instruction) => instruction.keyword === 'EXPOSE')
    .flatMap((instruction) => instruction.args.split(/\s+/).map((port) => Number.parseInt(port, 10)));
}

/** The variables the final image's ENV instructions give every process, before compose or Kubernetes add theirs. */
export function imageEnv(): Record<string, string> {
  const assignments = dockerfileStages()
    .at(-1)!
    .instructions.filter((instruction) => instruction.keyword === 'ENV')
    .flatMap((instruction) => [...instruction.args.matchAll(/(\w+)=("[^"]*"|\S*)/g)]);
  return Object.fromEntries(assignments.map(([, name, value]) => [name, value.replace(/^"(.*)"$/, '$1')]));
}

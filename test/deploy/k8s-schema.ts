import path from 'node:path';
import ts from 'typescript';
import { idOf, K8sObject, ROOT } from './manifests.js';

/** Module of the kubernetes-models class for an object: kubernetes-models/<group/version>/<Kind>. */
const modelModule = (object: K8sObject): string => `kubernetes-models/${object.apiVersion}/${object.kind}`;

/**
 * Validates each object against the Kubernetes OpenAPI schema bundled in kubernetes-models (types, formats,
 * required fields). Returns one line per invalid object.
 */
export async function schemaProblems(objects: K8sObject[]): Promise<string[]> {
  const problems: string[] = [];
  for (const object of objects) {
    let Model: (new (data: unknown) => { validate(): void }) | undefined;
    try {
      const module = await import(modelModule(object));
      Model = module[object.kind] ?? module.default?.[object.kind];
    } catch {
      Model = undefined;
    }
    if (!Model) {
      problems.push(`${idOf(object)}: no Kubernetes model for ${object.apiVersion} ${object.kind}`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (error) {
      problems.push(`${idOf(object)}: ${(error as Error).message}`);
    }
  }
  return problems;
}

// The virtual file lives in this folder so that `kubernetes-models` resolves from the project's node_modules.
const VIRTUAL_FILE = path.join(ROOT, 'test/deploy/__rendered-manifests__.ts');

const COMPILER_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
};

// Declaration files parsed once for every call: kubernetes-models' are large.
const parsedFiles = new Map<string, ts.SourceFile | undefined>();
let previousProgram: ts.Program | undefined;

/**
 * The OpenAPI validation above ignores fields it does not know, so a misspelt `readinesProbe` or `limit` would
 * pass it and be dropped by the API server. TypeScript's excess-property check against the kubernetes-models
 * interfaces catches those: each object becomes `const oN: I<Kind> = <object>;` in one in-memory program.
 */
export function unknownFieldProblems(objects: K8sObject[]): string[] {
  const source = objects
    .map((object, index) => `export const o${index}: import('${modelModule(object)}').I${object.kind} = ${JSON.stringify(object)};`)
    .join('\n');
  const host = ts.createCompilerHost(COMPILER_OPTIONS);
  const { getSourceFile, fileExists } = host;
  host.getSourceFile = (fileName, language, ...rest) => {
    if (fileName === VIRTUAL_FILE) return ts.createSourceFile(fileName, source, language);
    if (!parsedFiles.has(fileName)) parsedFiles.set(fileName, getSourceFile.call(host, fileName, language, ...rest));
    return parsedFiles.get(fileName);
  };
  host.fileExists = (fileName) => fileName === VIRTUAL_FILE || fileExists.call(host, fileName);
  const program = ts.createProgram([VIRTUAL_FILE], COMPILER_OPTIONS, host, previousProgram);
  previousProgram = program;
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const line = diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line : -1;
    const where = objects[line] ? idOf(objects[line]) : (diagnostic.file?.fileName ?? 'program');
    return `${where}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
  });
}

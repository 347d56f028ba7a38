import semver from 'semver';
import { dockerfileStages } from './dockerfile.js';
import { readRepoFile } from './manifests.js';

interface PackageManifest {
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

type NamedRange = [name: string, range: string];

const readManifest = (file: string): PackageManifest => JSON.parse(readRepoFile(file));

const project = readManifest('package.json');

/** The Node range of every direct dependency, as installed, that declares one. Dev dependencies run in the build stage. */
const dependencyRanges: NamedRange[] = Object.keys({ ...project.dependencies, ...project.devDependencies })
  .map((name): [string, string | undefined] => [name, readManifest(`node_modules/${name}/package.json`).engines?.node])
  .filter((entry): entry is NamedRange => entry[1] !== undefined);

/** The dependencies that do not accept every Node version of `range` (a single version is a range too). */
const refusing = (range: string, ranges: NamedRange[] = dependencyRanges): string[] => ranges.filter(([, accepted]) => !semver.subset(range, accepted)).map(([name]) => name);

/** The Node release of each Dockerfile stage's `node:<version>-<variant>` image (the image name when it is not one). */
const imageNodeVersions = dockerfileStages().map((stage) => /^node:(\d+\.\d+\.\d+)-[\w.-]+$/.exec(stage.image)?.[1] ?? stage.image);

describe('Node versions', () => {
  const declared = project.engines?.node ?? '';

  it('should build and run the image on one pinned Node release', () => {
    expect(imageNodeVersions.filter((version) => !semver.valid(version))).toEqual([]);
    expect(new Set(imageNodeVersions).size).toBe(1);
  });

  it("should declare a Node range that every direct dependency's engines accept", () => {
    expect(semver.validRange(declared)).not.toBeNull();
    expect(refusing(declared)).toEqual([]);
  });

  it('should run the image on a Node release inside the declared range, which every dependency accepts', () => {
    const [image] = imageNodeVersions;
    expect(semver.satisfies(image, declared)).toBe(true);
    expect(refusing(image)).toEqual([]);
  });

  it('should catch a dependency that needs a newer Node than the project declares', () => {
    const ranges: NamedRange[] = [
      ['needs-22', '>=22.12.0'],
      ['skips-23', '^22.13.0 || >=24.11.0'],
      ['takes-any', '>=14'],
    ];
    expect(refusing('>=20', ranges)).toEqual(['needs-22', 'skips-23']);
    expect(refusing('>=22.12', ranges)).toEqual(['skips-23']);
    expect(refusing('24.10.0', ranges)).toEqual(['skips-23']);
    expect(refusing('^22.13.0 || >=24.11.0', ranges)).toEqual([]);
  });
});

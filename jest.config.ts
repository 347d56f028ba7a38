import type { Config } from 'jest';
import { pathsToModuleNameMapper } from 'ts-jest';
import ts from 'typescript';

const { config: tsconfig } = ts.readConfigFile('./tsconfig.json', ts.sys.readFile);

const config: Config = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: '.',
  testRegex: '.*\\.spec\\.ts$',
  // test/clickhouse needs a ClickHouse server a fresh machine does not have: `npm run test:clickhouse` runs it.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/clickhouse/'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  moduleNameMapper: {
    ...pathsToModuleNameMapper(tsconfig.compilerOptions.paths, { prefix: '<rootDir>/', useESM: true }),
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
  // End-to-end specs start real processes against real services; none of them measures time. Every wait of theirs
  // has a budget of its own (an app start waits up to 20 s); a test whose budgets add up to more than this minute
  // says its own, longer timeout, so that a slow run fails with the wait's message rather than Jest's.
  testTimeout: 60_000,
};
export default config;

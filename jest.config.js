// @ts-check
// One jest run, three kinds of test: unit specs beside the code, integration tests against real
// dependencies (NATS, the database, Docker, Caddy), and browser tests in Debian's Chromium.
const { readFileSync } = require('node:fs');
const { createCjsPreset } = require('jest-preset-angular/presets');

const tsconfig = JSON.parse(readFileSync(`${__dirname}/tsconfig.base.json`, 'utf8'));
/** @type {Record<string, string>} */
const moduleNameMapper = Object.fromEntries(
  Object.entries(tsconfig.compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias}$`,
    `<rootDir>/${target}`,
  ]),
);

const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
      module: { type: 'commonjs' },
    },
  ],
};

const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform,
  moduleNameMapper,
  // Decorated classes record type metadata only when reflect-metadata is loaded before them.
  setupFiles: ['reflect-metadata'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.slipway/', '<rootDir>/.nx/'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/dist/'],
};

/** @type {import('jest').Config} */
module.exports = {
  // Integration and browser tests start real servers; their waits carry their own, tighter limits.
  testTimeout: 120_000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{services,libs,web,bench,deploy}/**/*.spec.ts'],
      testPathIgnorePatterns: [...shared.testPathIgnorePatterns, '\\.component\\.spec\\.ts$'],
    },
    // Angular components rendered with TestBed in jsdom; run with the unit tests (deploy/scripts/test.sh).
    {
      ...createCjsPreset({
        tsconfig: '<rootDir>/web/tsconfig.component-spec.json',
        // jest-preset-angular's own jsdom environment: no separate jest-environment-jsdom package.
        testEnvironment: 'jest-preset-angular/environments/jest-jsdom-env',
      }),
      rootDir: __dirname,
      displayName: 'components',
      moduleNameMapper,
      setupFilesAfterEnv: ['<rootDir>/web/jest.setup-components.ts'],
      testMatch: ['<rootDir>/web/src/**/*.component.spec.ts'],
      modulePathIgnorePatterns: shared.modulePathIgnorePatterns,
      testPathIgnorePatterns: shared.testPathIgnorePatterns,
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/{services,libs,deploy}/**/*.int-spec.ts'],
      slowTestThreshold: 60,
    },
    { ...shared, displayName: 'browser', testMatch: ['<rootDir>/web/e2e/**/*.e2e-spec.ts'] },
  ],
};

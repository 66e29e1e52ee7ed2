import type { Config } from 'jest'

// One jest run covers every package. Workspace imports resolve to the packages' sources, so
// tests never depend on a stale build; type checking is `pnpm typecheck`'s job (ts-jest only
// transpiles, which keeps the suite fast on a 2-core machine).
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages'],
  testMatch: ['**/src/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      {
        tsconfig: {
          module: 'CommonJS',
          moduleResolution: 'Node10',
          target: 'ES2022',
          esModuleInterop: true,
          isolatedModules: true,
          resolveJsonModule: true,
        },
      },
    ],
  },
  moduleNameMapper: {
    '^@privacy-number/core/testing$': '<rootDir>/packages/core/src/testing/index.ts',
    '^@privacy-number/(core|volcengine|aliyun|emulator|cli)$': '<rootDir>/packages/$1/src/index.ts',
  },
  collectCoverageFrom: [
    'packages/*/src/**/*.ts',
    '!packages/*/src/**/*.test.ts',
    '!packages/*/src/bin.ts',
  ],
  coverageReporters: ['text-summary'],
  maxWorkers: 2,
  testTimeout: 30_000,
}

export default config

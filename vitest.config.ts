import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['development'] },
  ssr: { resolve: { conditions: ['development'] } },
  test: {
    include: ['packages/**/test/**/*.test.ts', 'packages/**/test/**/*.test.tsx', 'test/**/*.test.ts', 'examples/**/test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The type tests (`*.test-d.ts`) are in tsconfig.json, so `pnpm typecheck`, which `pnpm test` runs
    // first, fails on any of their errors; a second whole-project tsc here only competed with the
    // suites for CPU. `vitest run --typecheck` still reports them test by test.
    typecheck: { enabled: false, include: ['packages/**/test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});

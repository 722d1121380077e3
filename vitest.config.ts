import { availableParallelism } from 'node:os';
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
    // At least two files at a time: most suites wait on child processes, HTTP and the database rather
    // than on the CPU, so on a 2-core machine vitest's default (one worker per core but one) left the
    // second core idle and the run took twice as long. Files cannot collide: each opens its own
    // database (a PGlite snapshot in memory or a fresh, randomly named PostgreSQL database), listens
    // on port 0 and writes under its own temporary folder.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // A worker runs its files one after another in one module graph instead of loading the server,
    // the plugins and PGlite afresh for each file: a third off a pass (docs/testing.md). So a suite
    // must not rely on module state it did not set up itself (an id generator's last time, say),
    // and must close what it opens.
    isolate: false,
    // The type tests (`*.test-d.ts`) are in tsconfig.json, so `pnpm typecheck`, which `pnpm test` runs
    // first, fails on any of their errors; a second whole-project tsc here only competed with the
    // suites for CPU. `vitest run --typecheck` still reports them test by test.
    typecheck: { enabled: false, include: ['packages/**/test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});

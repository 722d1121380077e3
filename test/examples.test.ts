import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type DemoReady, startDemoStore } from '../packages/cli/test/demo-store.js';

// The examples as a reader runs them: a process of their own (tsx), against a demo store, with the
// SDK resolved as a user's project resolves it (the built package). Run `pnpm build` first, or this skips.
const root = resolve(import.meta.dirname, '..');
const builtSdk = existsSync(join(root, 'packages/sdk/dist/index.js'));
const exec = promisify(execFile);

describe.skipIf(!builtSdk)(`examples/ as processes${builtSdk ? '' : ' (skipped: run pnpm build)'}`, () => {
  let demo: DemoReady & { stop(): Promise<void> };
  beforeAll(async () => {
    demo = await startDemoStore();
  }, 120_000);
  afterAll(async () => demo?.stop());

  const runExample = (name: string) =>
    exec(process.execPath, ['--import', 'tsx', join(root, 'examples', name)], { cwd: root, env: { ...process.env, TOKOBAPAK_URL: demo.url }, timeout: 60_000 });

  test('merchant-path.ts: from nothing to a product on sale, twice (each run a new merchant)', async () => {
    for (let round = 0; round < 2; round += 1) {
      const { stdout } = await runExample('merchant-path.ts');
      expect(stdout).toContain('created kopi-rina-250 as draft');
      expect(stdout).toMatch(/on sale: Kopi Rina 250 g from Rp 65\.000 in toko-rina-/);
    }
  });
});

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { openTestDatabase } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type DemoReady, startDemoStore } from '../packages/cli/test/demo-store.js';

// The examples as a reader runs them: a process of their own (tsx), against a demo store, with the
// SDK resolved as a user's project resolves it (the built package). Run `pnpm build` first, or this skips.
// With DATABASE_URL the demo runs on a fresh PostgreSQL database, otherwise in memory (PGlite).
const root = resolve(import.meta.dirname, '..');
const builtSdk = existsSync(join(root, 'packages/sdk/dist/index.js'));
const exec = promisify(execFile);

describe.skipIf(!builtSdk)(`examples/ as processes${builtSdk ? '' : ' (skipped: run pnpm build)'}`, () => {
  let demo: DemoReady & { stop(): Promise<void> };
  let postgres: Awaited<ReturnType<typeof openTestDatabase>> | undefined;
  beforeAll(async () => {
    postgres = process.env.DATABASE_URL ? await openTestDatabase() : undefined;
    demo = await startDemoStore(postgres?.url ? { DATABASE_URL: postgres.url } : {});
  }, 120_000);
  afterAll(async () => {
    await demo?.stop();
    await postgres?.close();
  });

  const runExample = (name: string) =>
    exec(process.execPath, ['--import', 'tsx', join(root, 'examples', name)], { cwd: root, env: { ...process.env, TOKOBAPAK_URL: demo.url }, timeout: 60_000 });

  test('merchant-path.ts: from nothing to a product on sale, twice (each run a new merchant)', async () => {
    for (let round = 0; round < 2; round += 1) {
      const { stdout } = await runExample('merchant-path.ts');
      expect(stdout).toContain('created kopi-rina-250 as draft');
      expect(stdout).toMatch(/on sale: Kopi Rina 250 g from Rp 65\.000 in toko-rina-/);
    }
  });

  test('storefront-checkout.ts, then merchant-orders.ts, twice: a two-store cart paid and followed; the desk, balance and a withdrawal', {
    timeout: 180_000,
  }, async () => {
    for (let round = 0; round < 2; round += 1) {
      const shopper = (await runExample('storefront-checkout.ts')).stdout;
      expect(shopper).toMatch(/^signed in as sari-/m);
      expect(shopper.match(/^shipping from sto_\w+: Menurut berat Rp 10\.000$/gm)).toHaveLength(2);
      expect(shopper).toMatch(/^checkout chk_\w+: 2 orders, pay Rp [\d.]+ \(pay_\w+\)$/m);
      expect(shopper).toMatch(/^payment pay_\w+ is paid$/m);
      expect(shopper.match(/^order ord_\w+ from sto_\w+: pending_payment → paid$/gm)).toHaveLength(2);

      const merchant = (await runExample('merchant-orders.ts')).stdout;
      expect(merchant).toContain('acting as Toko Demo Nusantara (toko-demo)');
      expect(merchant).toMatch(/^product kopi-gayo-250: active, \d+ on hand$/m);
      expect(merchant).toContain('1 paid order(s) waiting');
      expect(merchant).toMatch(/^order ord_\w+ \([12] × Kopi Gayo Arabika 250 g\): pending_payment → paid → accepted → completed, platform fee Rp 0$/m);
      expect(merchant).toMatch(/^balance: Rp [\d.]+ available \(Rp [\d.]+ credited\), Rp [\d.]+ pending$/m);
      expect(merchant).toMatch(/^withdrawal wdr_\w+ of Rp [\d.]+: requested$/m);
    }
  });
});

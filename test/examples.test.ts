import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createClient } from '@tokobapak/sdk';
import { openTestDatabase } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { haveChromium, launchChromium } from '../packages/cli/test/chromium.js';
import { type DemoReady, startDemoStore } from '../packages/cli/test/demo-store.js';
import { serveStorefrontWeb } from './support/storefront-web.js';

// The examples as a reader runs them: a process of their own (tsx), against a demo store, with the
// SDK resolved as a user's project resolves it (the built package). Run `pnpm build` first, or this skips.
// examples/storefront-web is built with Vite and driven in headless Chromium (skipped without it).
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
      expect(merchant).toMatch(
        /^order ord_\w+ \([12] × Kopi Gayo Arabika 250 g\): pending_payment → paid → accepted → shipped → completed, platform fee Rp 0$/m,
      );
      expect(merchant).toMatch(/^order ord_\w+ shipped, tracking number TB\w+$/m);
      expect(merchant).toMatch(/^balance: Rp [\d.]+ available \(Rp [\d.]+ credited\), Rp [\d.]+ pending$/m);
      expect(merchant).toMatch(/^withdrawal wdr_\w+ of Rp [\d.]+: requested$/m);
    }
  });

  // After the test above, which completed orders in toko-demo.
  test('merchant-script.ts: a read-only store API key reports stock and sales, is refused a write, and is revoked', async () => {
    const { stdout } = await runExample('merchant-script.ts');
    expect(stdout).toMatch(/^key tbk_[\w-]+… for toko-demo: products:read, orders:read$/m);
    expect(stdout).toMatch(/^stock kopi-gayo-250: \d+ on hand/m);
    expect(stdout).toMatch(/^sales: [1-9]\d* completed order\(s\), Rp [1-9][\d.]*$/m);
    expect(stdout).toMatch(/^changing [\w-]+: refused, 403 INSUFFICIENT_SCOPE$/m);
    expect(stdout).toMatch(/^key tbk_[\w-]+… revoked$/m);
  });

  // Last: merchant-orders.ts above expects exactly the order its storefront run made.
  test.skipIf(!haveChromium)(
    `storefront-web: sign up, search, a cart from two stores, shipping, a reload that keeps session and cart, checkout, sandbox payment, paid orders, a refund shown, a shipped order received, sign out${haveChromium ? '' : ' (skipped: no Chromium)'}`,
    {
      timeout: 180_000,
    },
    async () => {
      const site = await serveStorefrontWeb();
      const chromium = await launchChromium();
      try {
        const page = await chromium.browser.newPage();
        const pageErrors: string[] = [];
        page.on('pageerror', (error) => pageErrors.push(error.message));
        await page.goto(`${site.url}?api=${encodeURIComponent(demo.url)}`);

        await page.getByLabel('Email').fill(`web-${Date.now().toString(36)}@example.com`);
        await page.getByLabel('Password').fill('sate-ayam-madura-21');
        await page.getByRole('button', { name: 'Create account' }).click();
        await expect.poll(() => page.locator('#who').textContent(), { timeout: 15_000 }).toBe('Signed in as Sari Lestari');

        await page.getByLabel('Search').fill('kopi');
        await page.getByRole('button', { name: 'Search', exact: true }).click();
        await page.getByRole('button', { name: 'Add Kopi Toraja Kalosi 200 g to the cart' }).click();
        await page.locator('#cart-stores li', { hasText: '1 × Kopi Toraja Kalosi 200 g' }).waitFor();
        await page.getByRole('button', { name: 'Add Kopi Gayo Arabika 250 g to the cart' }).click();
        await page.locator('#cart-stores li', { hasText: '1 × Kopi Gayo Arabika 250 g' }).waitFor();
        expect(await page.getByRole('button', { name: 'Check out' }).isDisabled()).toBe(true);

        // Each store quotes its own parcel; the cheaper option of each is chosen.
        for (const store of [1, 2]) {
          await page.getByLabel(`Shipping for store ${store}`).selectOption({ label: 'Menurut berat: Rp 10.000' });
          await page
            .locator('.store', { hasText: `Store ${store}` })
            .getByText('Shipping Rp 10.000')
            .waitFor();
        }
        // 72.000 + 85.000 + 2 × 10.000 shipping.
        await expect.poll(() => page.locator('#cart-total').textContent()).toBe('Total Rp 177.000');

        // A reload mid-flow: the session and the cart's id are in localStorage, so the shopper is
        // still signed in and sees the same cart, shipping choices included.
        expect(await page.evaluate(() => Object.keys(localStorage).sort())).toEqual([`tokobapak:${demo.url}:cart`, `tokobapak:${demo.url}:session`]);
        await page.reload();
        await expect.poll(() => page.locator('#who').textContent(), { timeout: 15_000 }).toBe('Signed in as Sari Lestari');
        await page.locator('#cart-stores li', { hasText: '1 × Kopi Toraja Kalosi 200 g' }).waitFor();
        await page.locator('#cart-stores li', { hasText: '1 × Kopi Gayo Arabika 250 g' }).waitFor();
        expect(await page.locator('#cart-stores .store', { hasText: 'Shipping Rp 10.000' }).count()).toBe(2);
        await expect.poll(() => page.locator('#cart-total').textContent()).toBe('Total Rp 177.000');
        expect(await page.locator('#account').isHidden()).toBe(true);

        await page.getByRole('button', { name: 'Check out' }).click();
        await expect.poll(() => page.locator('#payment-summary').textContent(), { timeout: 30_000 }).toBe('2 order(s), Rp 177.000 to pay by QRIS');

        await page.getByRole('button', { name: 'Pay in the sandbox' }).click();
        await expect.poll(() => page.locator('#order-list li[data-status="paid"]').count(), { timeout: 30_000 }).toBe(2);
        const orders = await page.locator('#order-list > li').allTextContents();
        expect(orders.map((text) => text.replace(/^ord_\w+: /, '')).sort()).toEqual(['Rp 82.000, pending_payment → paid', 'Rp 95.000, pending_payment → paid']);
        expect(await page.locator('#status').textContent()).toBe('');

        // The stores see the orders the page placed, one each (the demo merchant owns both):
        // toko-demo accepts and ships its order (booked with the quote the shopper chose, so no
        // tracking number is given), warung-demo cancels its order whole, which refunds it.
        const orderIds = orders.map((text) => text.split(':')[0]);
        const merchant = createClient({ baseUrl: demo.url });
        await merchant.auth.login({ body: { email: 'merchant@demo.tokobapak.dev', password: 'demo-seller-password' } });
        const paidOrderOf = async (handle: string) => {
          await merchant.actAsStore((await merchant.merchant.getStoreByHandle({ params: { handle } })).id);
          const { items } = await merchant.order.listStoreOrders({ query: { status: 'paid', limit: 50 } });
          const placed = items.filter((order) => orderIds.includes(order.id));
          expect(placed).toHaveLength(1);
          return placed[0]!.id;
        };
        const shippedId = await paidOrderOf('toko-demo');
        await merchant.order.acceptOrder({ params: { orderId: shippedId }, body: { note: 'Dikemas hari ini' } });
        const shipped = await merchant.order.shipOrder({ params: { orderId: shippedId }, body: { note: 'Dikirim' } });
        expect(shipped.status).toBe('shipped');
        const cancelledId = await paidOrderOf('warung-demo');
        const cancelled = await merchant.order.cancelOrder({ params: { orderId: cancelledId }, body: { reason: 'Stok habis' } });
        expect(cancelled.status).toBe('cancelled');
        expect(cancelled.refunds.map((refund) => [refund.status, refund.amount.amount])).toEqual([['succeeded', 82_000]]);

        // The bought cart is forgotten: a reload shows the shopper signed in with no cart, and the
        // orders as the stores left them: the refund of the cancelled one, and the shipped one with
        // its button, which completes it.
        await page.reload();
        await expect.poll(() => page.locator('#who').textContent(), { timeout: 15_000 }).toBe('Signed in as Sari Lestari');
        expect(await page.locator('#cart').isHidden()).toBe(true);
        const cancelledItem = page.locator('#order-list > li', { hasText: cancelledId });
        await cancelledItem.locator('.refunds li', { hasText: 'Rp 82.000 refunded (Stok habis)' }).waitFor();
        expect(await cancelledItem.getAttribute('data-status')).toBe('cancelled');
        expect(await cancelledItem.getByRole('button').count()).toBe(0);
        const shippedItem = page.locator('#order-list > li', { hasText: shippedId });
        await shippedItem.getByRole('button', { name: 'Order received' }).click();
        await page.locator('#order-list > li[data-status="completed"]', { hasText: shippedId }).waitFor();
        expect(await shippedItem.textContent()).toBe(`${shippedId}: Rp 95.000, pending_payment → paid → accepted → shipped → completed`);
        expect(await page.locator('#status').textContent()).toBe('');

        // Signing out revokes the session and empties localStorage, so the next reload asks to sign in.
        await page.getByRole('button', { name: 'Sign out' }).click();
        await expect.poll(() => page.locator('#account').isVisible(), { timeout: 15_000 }).toBe(true);
        expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([]);
        expect(await page.locator('#who').textContent()).toBe('Not signed in');
        expect(await page.locator('#status').textContent()).toBe('');
        expect(pageErrors).toEqual([]);
      } finally {
        await chromium.close();
        await site.close();
      }
    },
  );
});

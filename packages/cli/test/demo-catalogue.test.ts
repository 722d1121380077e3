import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createClient } from '@tokobapak/sdk';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type DemoReady, startDemoStore } from './demo-store.js';

// The demo's catalogue as a shopper sees it, against the table docs/cli.md publishes.
let demo: DemoReady & { stop(): Promise<void> };
beforeAll(async () => {
  demo = await startDemoStore();
}, 120_000);
afterAll(async () => demo?.stop());

/** `| Kopi Gayo Arabika 250 g | `kopi-gayo-250` | Rp 85.000 | 40 |` → handle, rupiah, stock. */
function documentedCatalogue(): Array<{ handle: string; price: number; stock: number }> {
  const text = readFileSync(resolve(import.meta.dirname, '../../../docs/cli.md'), 'utf8');
  const rows = [...text.matchAll(/^\| [^|]+ \| `([a-z0-9-]+)` \| Rp ([\d.]+) \| (\d+) \|$/gm)];
  return rows.map(([, handle, price, stock]) => ({ handle: handle as string, price: Number((price as string).replaceAll('.', '')), stock: Number(stock) }));
}

test('the demo catalogue has the documented prices, in whole rupiah (IDR has no minor units)', async () => {
  const documented = documentedCatalogue();
  expect(documented).toHaveLength(8);
  const shopper = createClient({ baseUrl: demo.url });
  const listed = new Map<string, { amount: number; currency: string; available: number }>();
  for await (const product of shopper.inventory.listProducts.iterate({ query: { limit: 100 } })) {
    const variant = product.variants[0];
    if (variant) listed.set(product.handle, { amount: product.fromPrice.amount, currency: product.fromPrice.currency, available: variant.available });
  }
  for (const row of documented) {
    expect(listed.get(row.handle), row.handle).toEqual({ amount: row.price, currency: 'IDR', available: row.stock });
  }
  // The coffee is Rp 85.000, not Rp 8.500.000.
  expect(listed.get('kopi-gayo-250')?.amount).toBe(85_000);
});

test('both demo stores ship: a quote per store with the documented flat rate, dearer to Papua', async () => {
  expect(demo.demo.stores?.map((store) => store.handle)).toEqual(['toko-demo', 'warung-demo']);
  const shopper = createClient({ baseUrl: demo.url });
  for (const handle of ['toko-demo', 'warung-demo']) {
    const store = await shopper.merchant.getStoreByHandle({ params: { handle } });
    const quote = (postalCode: string) =>
      shopper.shipping.quoteShippingRates({ body: { storeId: store.id, destination: { postalCode }, items: [{ weight: 500, quantity: 1 }], currency: 'IDR' } });
    const bandung = await quote('40115');
    expect(bandung.options.map((option) => [option.provider, option.amount.amount])).toEqual([
      ['weight-table', 10_000],
      ['flat-rate', 15_000],
    ]);
    expect((await quote('99111')).options.find((option) => option.provider === 'flat-rate')?.amount.amount).toBe(30_000);
  }
});

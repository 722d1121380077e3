import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type TokoBapakClient } from '@tokobapak/sdk';
import { createTokenService, newId } from '@tokobapak/server';
import { eventually, openTestDatabase } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ADDRESS } from './support.js';

// A checkout cut short by a real crash: the store (inventory, cart, payment, order) runs as a child
// process that SIGKILLs itself at a named step of the checkout process, then starts again on the same
// data. Before the crash point is recorded the checkout is undone on restart; at its last step it is
// finished. Either way stock, payment and orders agree.

const FIXTURE = fileURLToPath(new URL('./fixtures/checkout-server.ts', import.meta.url));
const SECRET = `crash-${Date.now()}-secret-of-at-least-32-characters`;
const tokens = createTokenService({ secret: SECRET });
const SESSION = `ses_${'0'.repeat(26)}`;

let database: Awaited<ReturnType<typeof openTestDatabase>> | undefined;
let dataDir: string | undefined;
let running: ChildProcess | undefined;

beforeAll(async () => {
  if (process.env.DATABASE_URL) database = await openTestDatabase();
  else dataDir = await mkdtemp(join(tmpdir(), 'tokobapak-checkout-crash-'));
});
afterAll(async () => {
  running?.kill('SIGKILL');
  await database?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function startStore(killAt?: string): Promise<{ url: string; exited: Promise<NodeJS.Signals | number | null>; stop(): Promise<void> }> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), CRASH_TEST_SECRET: SECRET };
  delete env.TOKOBAPAK_TEST_KILL_AT;
  if (killAt) env.TOKOBAPAK_TEST_KILL_AT = killAt;
  if (database?.url) env.CRASH_TEST_DATABASE_URL = database.url;
  if (dataDir) env.CRASH_TEST_DATA_DIR = dataDir;
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', FIXTURE], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running = child;
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((candidate) => candidate.startsWith('{"url"'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    void exited.then((how) => reject(new Error(`the store exited (${how}) before listening:\n${output}`)));
  });
  return {
    url,
    exited,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const customerToken = (userId: string) => tokens.signAccessToken({ userId, role: 'customer', sessionId: SESSION });
const storeToken = (storeId: string) => tokens.signAccessToken({ userId: newId('usr'), role: 'customer', sessionId: SESSION, storeId, storeRole: 'owner' });

/** A product with `stock` units and a customer's cart holding `quantity` of it, made through the API. */
async function prepare(url: string, stock: number, quantity: number) {
  const storeId = newId('sto');
  const merchant = createClient({ baseUrl: url, accessToken: storeToken(storeId) });
  const handle = `kopi-${Date.now().toString(36)}`;
  const product = await merchant.inventory.createProduct({
    body: {
      title: 'Kopi Kintamani',
      handle,
      categories: ['kopi'],
      variants: [{ sku: handle.toUpperCase(), price: { amount: 60_000, currency: 'IDR' }, weight: 250, stockOnHand: stock }],
      status: 'active',
    },
  });
  const variantId = product.variants[0]?.id as string;
  const userId = newId('usr');
  const customer = createClient({ baseUrl: url, accessToken: customerToken(userId) });
  const cart = await customer.cart.createCart({ body: { currency: 'IDR' } });
  await customer.cart.addCartLine({ params: { cartId: cart.id }, body: { variantId, quantity } });
  return { storeId, variantId, productId: product.id, userId, cartId: cart.id, merchant };
}

/** What the store shows of the variant: available after reservations. */
async function available(merchant: TokoBapakClient, productId: string): Promise<number> {
  const product = await merchant.inventory.getStoreProduct({ params: { productId } });
  return product.variants[0]?.available as number;
}

// Two store starts per test; on a loaded 2-core machine each can take 20 s or more.
describe('a checkout cut short by a crash', { timeout: 240_000 }, () => {
  test('after the payment was created but before the step was recorded: undone on restart (stock back, no order, the cart open again)', async () => {
    const first = await startStore();
    const setup = await prepare(first.url, 2, 2);
    await first.stop();

    const crashing = await startStore('order.checkout.create-payment:after');
    const customer = createClient({ baseUrl: crashing.url, accessToken: customerToken(setup.userId) });
    await expect(
      customer.order.createCheckout({ body: { cartId: setup.cartId, shippingAddress: ADDRESS, paymentMethod: { type: 'qris' } } }),
    ).rejects.toThrow();
    expect(await crashing.exited).toBe('SIGKILL');

    const store = await startStore();
    try {
      const merchant = createClient({ baseUrl: store.url, accessToken: storeToken(setup.storeId) });
      await eventually(async () => expect(await available(merchant, setup.productId)).toBe(2), 30_000);
      const again = createClient({ baseUrl: store.url, accessToken: customerToken(setup.userId) });
      expect((await again.order.listMyOrders({})).items).toEqual([]);
      expect((await merchant.order.listStoreOrders({})).items).toEqual([]);
      // The cart is still open and can be checked out again, now without a crash.
      const checkout = await again.order.createCheckout({ body: { cartId: setup.cartId, shippingAddress: ADDRESS, paymentMethod: { type: 'qris' } } });
      expect(checkout.status).toBe('awaiting_payment');
      expect(await available(merchant, setup.productId)).toBe(0);
    } finally {
      await store.stop();
    }
  });

  test('at its last step (placing the orders): finished on restart, the stock still held for the payment', async () => {
    const first = await startStore();
    const setup = await prepare(first.url, 3, 1);
    await first.stop();

    const crashing = await startStore('order.checkout.place-orders:before');
    const customer = createClient({ baseUrl: crashing.url, accessToken: customerToken(setup.userId) });
    await expect(
      customer.order.createCheckout({ body: { cartId: setup.cartId, shippingAddress: ADDRESS, paymentMethod: { type: 'qris' } } }),
    ).rejects.toThrow();
    expect(await crashing.exited).toBe('SIGKILL');

    const store = await startStore();
    try {
      const merchant = createClient({ baseUrl: store.url, accessToken: storeToken(setup.storeId) });
      const orders = await eventually(async () => {
        const listed = (await merchant.order.listStoreOrders({})).items;
        expect(listed.map((order) => order.status)).toEqual(['pending_payment']);
        return listed;
      }, 30_000);
      expect(await available(merchant, setup.productId)).toBe(2);
      const again = createClient({ baseUrl: store.url, accessToken: customerToken(setup.userId) });
      const checkout = await again.order.getCheckout({ params: { checkoutId: orders[0]?.checkoutId as string } });
      expect(checkout).toMatchObject({ status: 'awaiting_payment', payment: { status: 'pending' } });
    } finally {
      await store.stop();
    }
  });
});

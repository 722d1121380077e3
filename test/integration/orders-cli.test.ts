import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authPlugin } from '@tokobapak/plugin-auth';
import { cartPlugin } from '@tokobapak/plugin-cart';
import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { merchantPlugin } from '@tokobapak/plugin-merchant';
import { orderPlugin } from '@tokobapak/plugin-order';
import { paymentPlugin } from '@tokobapak/plugin-payment';
import { shippingPlugin } from '@tokobapak/plugin-shipping';
import { userPlugin } from '@tokobapak/plugin-user';
import { newId } from '@tokobapak/server';
import { createTestServer, eventually, serviceClient, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { paidOrder, paidWithQuote, stockOf } from '../../packages/plugins/order/test/checkout-support.js';
import { orderSeeder } from '../../packages/plugins/order/test/support.js';
import { CLI_BIN, CLI_BUILT, runCli } from './support/cli-process.js';

// `tokobapak orders` as a process (the built CLI) against a store listening on a port, signed in
// with `tokobapak login` (the stored session acting in the merchant's store).

const PASSWORD = 'kopi-tubruk-pagi-hari-99';
const seeder = orderSeeder();
let server: TestServer;
let url: string;
let configDir: string;
let storeId: string;

/** The CLI with the test's config folder, password and store URL. */
function cli(args: string[], env: Record<string, string> = {}) {
  return runCli(args, { TOKOBAPAK_CONFIG_DIR: configDir, TOKOBAPAK_PASSWORD: PASSWORD, TOKOBAPAK_URL: url, ...env });
}

/** The id `orders show` prints before a line of `quantity` units, read as a merchant would, from the plain output. */
async function lineIdShown(orderId: string, quantity: number): Promise<string> {
  const shown = await cli(['orders', 'show', orderId]);
  expect(shown.code, shown.stderr).toBe(0);
  const match = new RegExp(`^ {2}(oln_[0-9a-z]{26}) {2}${quantity} × `, 'm').exec(shown.stdout);
  if (!match?.[1]) throw new Error(`no line id in the output of orders show:\n${shown.stdout}`);
  return match[1];
}

/** An order of the test's store, 2 units at 20,000 with flat-rate shipping of 15,000, checked out and paid through the sandbox. */
async function paidWithShipping() {
  const { order, paymentId } = await paidWithQuote(server, { price: 20_000, quantity: 2, shipping: 15_000, storeId });
  return { order, paymentId };
}

beforeAll(async () => {
  if (!CLI_BUILT) return;
  server = await createTestServer({
    plugins: [
      authPlugin({ passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }),
      userPlugin(),
      merchantPlugin(),
      inventoryPlugin(),
      cartPlugin(),
      paymentPlugin({ provider: 'sandbox' }),
      shippingPlugin(),
      orderPlugin({ platformFeeBasisPoints: 300, settleIntervalMs: 100 }),
      seeder.plugin,
    ],
  });
  url = await server.listen({ port: 0, host: '127.0.0.1' });
  configDir = await mkdtemp(join(tmpdir(), 'tokobapak-orders-cli-'));
  const owner = server.client();
  await owner.user.register({ body: { email: 'rina@toko.example', password: PASSWORD, name: 'Rina' } });
  await owner.auth.login({ body: { email: 'rina@toko.example', password: PASSWORD } });
  storeId = (await owner.merchant.createStore({ body: { name: 'Toko Rina', handle: 'toko-rina' } })).id;
});
afterAll(async () => {
  await server?.close();
  if (configDir) await rm(configDir, { recursive: true, force: true });
});

describe.skipIf(!CLI_BUILT)(`tokobapak orders as a process (needs ${CLI_BIN}; run pnpm build)`, () => {
  test('login, then list, show, accept and complete the store’s orders; another store’s order is a 404', { timeout: 180_000 }, async () => {
    const customerId = newId('usr');
    const {
      orderIds: [orderId],
    } = await seeder.seed({ customerId, stores: [{ storeId, lines: [{ quantity: 2, unitPrice: 25_000, productTitle: 'Kopi Toraja' }] }], feeBasisPoints: 300 });
    const {
      orderIds: [otherOrder],
    } = await seeder.seed({ customerId, stores: [{ storeId: newId('sto'), lines: [{ quantity: 1, unitPrice: 5_000 }] }] });
    const id = orderId as string;

    const login = await cli(['login', '--email', 'rina@toko.example', '--store', 'toko-rina', '--url', url, '--json']);
    expect(login.code, login.stderr).toBe(0);

    const listed = JSON.parse((await cli(['orders', 'list', '--status', 'paid', '--json'])).stdout) as { orders: Array<{ id: string; storeId: string }> };
    expect(listed.orders.map((order) => order.id)).toEqual([id]);
    const table = await cli(['orders', 'list']);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID +STATUS +TOTAL +LINES +CUSTOMER +PLACED$/);
    expect(table.stdout).toMatch(new RegExp(`^${id} +paid +IDR 50000 +1 `, 'm'));

    const accepted = await cli(['orders', 'accept', id, '--note', 'Dikemas hari ini']);
    expect(accepted).toMatchObject({ code: 0, stdout: `Order ${id} is accepted\n` });
    const completed = JSON.parse((await cli(['orders', 'complete', id, '--json'])).stdout) as { order: { status: string; platformFee: unknown } };
    expect(completed.order).toMatchObject({ status: 'completed', platformFee: { amount: 1_500, currency: 'IDR' } });

    const shown = await cli(['orders', 'show', id]);
    expect(shown.stdout).toContain('2 × Kopi Toraja @ IDR 25000 = IDR 50000');
    expect(shown.stdout).toMatch(/accepted by store: Dikemas hari ini/);

    const foreign = await cli(['orders', 'accept', otherOrder as string, '--json']);
    expect(foreign.code).toBe(1);
    expect(JSON.parse(foreign.stdout)).toEqual({ error: { code: 'CLI_API_ERROR', message: '404 ORDER_NOT_FOUND: No such order' } });
    // Completing again changes nothing and succeeds.
    expect(await cli(['orders', 'complete', id])).toMatchObject({ code: 0, stdout: `Order ${id} is completed\n` });
    const badStatus = await cli(['orders', 'list', '--status', 'lost']);
    expect(badStatus.code).toBe(1);
    expect(badStatus.stderr).toMatch(/--status \/ TOKOBAPAK_ORDER_STATUS must be one of pending_payment/);
  });

  test('ship an order with a tracking number, then cancel one unit and the rest with refunds', { timeout: 180_000 }, async () => {
    const login = await cli(['login', '--email', 'rina@toko.example', '--store', 'toko-rina', '--url', url, '--json']);
    expect(login.code, login.stderr).toBe(0);

    // Shipping: an order without a shipping quote leaves with the store's own tracking number.
    const {
      orderIds: [seeded],
    } = await seeder.seed({ customerId: newId('usr'), stores: [{ storeId, lines: [{ quantity: 1, unitPrice: 15_000 }] }] });
    const toShip = seeded as string;
    expect((await cli(['orders', 'accept', toShip])).code).toBe(0);
    const noTracking = await cli(['orders', 'ship', toShip, '--json']);
    expect(noTracking.code).toBe(1);
    expect(JSON.parse(noTracking.stdout).error.message).toMatch(/^422 ORDER_TRACKING_REQUIRED/);
    const shipped = await runCli(['orders', 'ship', toShip, '--carrier', 'JNE'], {
      TOKOBAPAK_CONFIG_DIR: configDir,
      TOKOBAPAK_URL: url,
      TOKOBAPAK_TRACKING_NUMBER: 'JNE0123456789',
    });
    expect(shipped).toMatchObject({ code: 0, stdout: `Order ${toShip} is shipped, tracking JNE0123456789\n` });
    const shown = JSON.parse((await cli(['orders', 'show', toShip, '--json'])).stdout) as { order: { shipping: { carrier: string | null } } };
    expect(shown.order.shipping.carrier).toBe('JNE');

    // Cancelling: a real checkout paid through the sandbox, one unit then everything left.
    const { order, product, paymentId } = await paidOrder(server, { price: 33_333, quantity: 3, storeId });
    const lineTotal = order.lines[0]?.total.amount ?? 0;
    const first = Math.floor(lineTotal / 3);
    // The line id comes from `orders show`, as a merchant gets it: no --json, no SDK.
    const lineId = await lineIdShown(order.id, 3);
    const bad = await cli(['orders', 'cancel', order.id, '--line', `${lineId}:zero`]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--line \/ TOKOBAPAK_ORDER_LINES takes lineId:quantity/);
    const tooMany = await cli(['orders', 'cancel', order.id, '--line', `${lineId}:2`, '--line', `${lineId}:2`, '--json']);
    expect(JSON.parse(tooMany.stdout).error.message).toMatch(/^409 ORDER_REFUND_EXCEEDS_PAID/);
    const one = await cli(['orders', 'cancel', order.id, '--line', `${lineId}:1`, '--reason', 'Stok rusak']);
    expect(one).toMatchObject({ code: 0, stdout: `Order ${order.id} is paid, IDR ${first} refunded\n` });
    const afterOne = (await cli(['orders', 'show', order.id])).stdout;
    expect(afterOne).toContain(`Order ${order.id} (paid), total IDR ${order.totals.total.amount}, IDR ${first} refunded\n`);
    expect(afterOne).toContain(`  ${lineId}  3 × `);
    expect(afterOne).toMatch(new RegExp(`= IDR ${lineTotal} \\(1 refunded, IDR ${first}\\)\n`));
    const rest = JSON.parse((await cli(['orders', 'cancel', order.id, '--json'])).stdout) as {
      order: { status: string; totals: { refunded: { amount: number }; total: { amount: number } } };
    };
    expect(rest.order.status).toBe('cancelled');
    expect(rest.order.totals.refunded.amount).toBe(rest.order.totals.total.amount);
    const payment = await serviceClient(server, 'order').payment.getPayment({ params: { paymentId } });
    expect(payment.refundedAmount.amount).toBe(order.totals.total.amount);
    expect(await stockOf(server, product.variantId)).toEqual({ onHand: 10, reserved: 0 });
  });

  test('cancel --idempotency-key run twice cancels once and says the second was replayed; another key cancels again', { timeout: 180_000 }, async () => {
    const login = await cli(['login', '--email', 'rina@toko.example', '--store', 'toko-rina', '--url', url, '--json']);
    expect(login.code, login.stderr).toBe(0);
    const { order } = await paidOrder(server, { price: 20_000, quantity: 3, storeId });
    const lineId = await lineIdShown(order.id, 3);
    const unit = Math.floor((order.lines[0]?.total.amount ?? 0) / 3);
    const key = randomUUID();
    const cancelOne = ['orders', 'cancel', order.id, '--line', `${lineId}:1`, '--reason', 'Stok rusak'];

    const first = await cli([...cancelOne, '--idempotency-key', key, '--json']);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ replayed: false, order: { totals: { refunded: { amount: unit } } } });
    // A run after a timeout, say: the same key (here from the variable) gets the first answer back.
    const again = await cli(cancelOne, { TOKOBAPAK_IDEMPOTENCY_KEY: key });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(
      `Order ${order.id} is paid, IDR ${unit} refunded\nReplayed: this idempotency key was used before, so nothing was done again; this is the first run's answer.\n`,
    );
    expect((await cli(['orders', 'show', order.id])).stdout).toContain(`(1 refunded, IDR ${unit})`);

    const otherBody = await cli(['orders', 'cancel', order.id, '--line', `${lineId}:2`, '--idempotency-key', key, '--json']);
    expect(JSON.parse(otherBody.stdout).error.message).toMatch(/^422 IDEMPOTENCY_KEY_REUSED/);
    const badKey = await cli([...cancelOne, '--idempotency-key', 'two words']);
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toMatch(/--idempotency-key \/ TOKOBAPAK_IDEMPOTENCY_KEY must be 1 to 255 visible ASCII characters/);

    const anotherKey = JSON.parse((await cli([...cancelOne, '--idempotency-key', randomUUID(), '--json'])).stdout) as {
      order: { lines: Array<{ refundedQuantity: number }> };
      replayed: boolean;
    };
    expect(anotherKey).toMatchObject({ replayed: false, order: { lines: [{ refundedQuantity: 2 }] } });
  });

  test('refund gives money back on a line and the shipping without cancelling; too much is a 409; bad flags send nothing', { timeout: 180_000 }, async () => {
    const login = await cli(['login', '--email', 'rina@toko.example', '--store', 'toko-rina', '--url', url, '--json']);
    expect(login.code, login.stderr).toBe(0);
    const { order, paymentId } = await paidWithShipping();
    const lineId = await lineIdShown(order.id, 2);
    const lineTotal = order.lines[0]?.total.amount ?? 0;
    const refundedByPayment = async () => (await serviceClient(server, 'order').payment.getPayment({ params: { paymentId } })).refundedAmount.amount;

    // Refused before anything is sent: each leaves the order untouched.
    const refusals: Array<[string[], Record<string, string>, RegExp]> = [
      [['--line', `${lineId}:5000`], {}, /Pass --reason \(or TOKOBAPAK_REASON\)/],
      [['--reason', 'Kemasan penyok'], {}, /Pass --line <lineId:amount> \(or TOKOBAPAK_REFUND_LINES\), --shipping <amount>/],
      [['--line', 'oln_nope:5000', '--reason', 'x'], {}, /--line \/ TOKOBAPAK_REFUND_LINES takes lineId:amount/],
      [['--line', `${lineId}:0`, '--reason', 'x'], {}, /--line \/ TOKOBAPAK_REFUND_LINES: the amount must be a whole number above 0/],
      [['--line', `${lineId}:2500.50`, '--reason', 'x'], {}, /the amount must be a whole number above 0/],
      [['--shipping', '-5000', '--reason', 'x'], {}, /--shipping \/ TOKOBAPAK_REFUND_SHIPPING must be a whole number above 0/],
      [['--reason', 'x'], { TOKOBAPAK_REFUND_SHIPPING: '5.000' }, /--shipping \/ TOKOBAPAK_REFUND_SHIPPING must be a whole number above 0/],
      [['--shipping', '5000', '--reason', '  '], {}, /--reason \/ TOKOBAPAK_REASON must be 1 to 500 characters/],
      [['--shipping', '5000', '--reason', 'x', '--idempotency-key', 'two words'], {}, /--idempotency-key \/ TOKOBAPAK_IDEMPOTENCY_KEY must be 1 to 255/],
    ];
    for (const [flags, env, message] of refusals) {
      const refused = await cli(['orders', 'refund', order.id, ...flags, '--json'], env);
      expect(refused.code, flags.join(' ')).toBe(1);
      expect(JSON.parse(refused.stdout).error).toEqual({ code: 'CLI_INVALID_VALUE', message: expect.stringMatching(message) });
    }
    // A bad value in a variable is refused too, even with a good --shipping.
    const badVariable = await cli(['orders', 'refund', order.id, '--shipping', '5000', '--reason', 'x'], { TOKOBAPAK_REFUND_LINES: `${lineId}:abc` });
    expect(badVariable.stderr).toMatch(/TOKOBAPAK_REFUND_LINES: the amount must be/);
    expect(JSON.parse((await cli(['orders', 'show', order.id, '--json'])).stdout).order).toMatchObject({ totals: { refunded: { amount: 0 } }, refunds: [] });

    // Too much: more than the line's total, or than the shipping, is the API's 409 and counts nothing.
    const tooMuch = await cli(['orders', 'refund', order.id, '--line', `${lineId}:${lineTotal + 1}`, '--reason', 'x', '--json']);
    expect(tooMuch.code).toBe(1);
    expect(JSON.parse(tooMuch.stdout).error).toMatchObject({ code: 'CLI_API_ERROR', message: expect.stringMatching(/^409 ORDER_REFUND_EXCEEDS_PAID/) });
    const tooMuchShipping = await cli(['orders', 'refund', order.id, '--shipping', '15001', '--reason', 'x']);
    expect(tooMuchShipping.code).toBe(1);
    expect(tooMuchShipping.stderr).toMatch(/409 ORDER_REFUND_EXCEEDS_PAID/);

    // Goodwill on the line (the variable, here) and part of the shipping, once for one key.
    const key = randomUUID();
    const refundOnce = ['orders', 'refund', order.id, '--shipping', '5000', '--reason', 'Kemasan penyok', '--idempotency-key', key];
    const first = await cli([...refundOnce, '--json'], { TOKOBAPAK_REFUND_LINES: `${lineId}:7000` });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      replayed: false,
      order: { status: 'paid', totals: { refunded: { amount: 12_000, currency: 'IDR' } }, lines: [{ refundedQuantity: 0, refundedAmount: { amount: 7_000 } }] },
    });
    const again = await cli([...refundOnce, '--line', `${lineId}:7000`]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(
      `Order ${order.id} is paid, IDR 12000 refunded\nReplayed: this idempotency key was used before, so nothing was done again; this is the first run's answer.\n`,
    );
    const otherBody = await cli(['orders', 'refund', order.id, '--shipping', '4000', '--reason', 'Kemasan penyok', '--idempotency-key', key, '--json']);
    expect(JSON.parse(otherBody.stdout).error.message).toMatch(/^422 IDEMPOTENCY_KEY_REUSED/);

    const shown = (await cli(['orders', 'show', order.id])).stdout;
    expect(shown).toContain(`Order ${order.id} (paid), total IDR ${order.totals.total.amount}, IDR 12000 refunded\n`);
    expect(shown).toContain('Shipping IDR 15000, IDR 5000 refunded\n');
    expect(shown).toMatch(new RegExp(`^  ${lineId}  2 × .* = IDR ${lineTotal} \\(IDR 7000 refunded\\)$`, 'm'));
    const refunds = JSON.parse((await cli(['orders', 'show', order.id, '--json'])).stdout).order.refunds as unknown[];
    expect(refunds).toEqual([expect.objectContaining({ amount: { amount: 12_000, currency: 'IDR' }, shipping: { amount: 5_000, currency: 'IDR' } })]);
    await eventually(async () => expect(await refundedByPayment()).toBe(12_000));

    // No key: a second run is a second refund, up to what is left of the shipping.
    const plain = await cli(['orders', 'refund', order.id, '--shipping', '10000', '--reason', 'Terlambat']);
    expect(plain).toMatchObject({ code: 0, stdout: `Order ${order.id} is paid, IDR 22000 refunded\n` });
    expect((await cli(['orders', 'refund', order.id, '--shipping', '1', '--reason', 'Terlambat'])).stderr).toMatch(/409 ORDER_REFUND_EXCEEDS_PAID/);
  });
});

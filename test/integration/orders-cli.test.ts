import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authPlugin } from '@tokobapak/plugin-auth';
import { merchantPlugin } from '@tokobapak/plugin-merchant';
import { orderPlugin } from '@tokobapak/plugin-order';
import { userPlugin } from '@tokobapak/plugin-user';
import { newId } from '@tokobapak/server';
import { createTestServer, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
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
function cli(args: string[]) {
  return runCli(args, { TOKOBAPAK_CONFIG_DIR: configDir, TOKOBAPAK_PASSWORD: PASSWORD, TOKOBAPAK_URL: url });
}

beforeAll(async () => {
  if (!CLI_BUILT) return;
  server = await createTestServer({
    plugins: [
      authPlugin({ passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }),
      userPlugin(),
      merchantPlugin(),
      orderPlugin({ platformFeeBasisPoints: 300 }),
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
});

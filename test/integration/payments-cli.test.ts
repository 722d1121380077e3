import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authPlugin } from '@tokobapak/plugin-auth';
import { paymentPlugin } from '@tokobapak/plugin-payment';
import { userPlugin } from '@tokobapak/plugin-user';
import { createTestServer, expectProblem, serviceClient, type TestServer } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CLI_BIN, CLI_BUILT, runCli } from './support/cli-process.js';

// `tokobapak payments simulate` as a process (the built CLI) against a store listening on a port:
// the customer signs in with `tokobapak login` and pays their sandbox payment; the sandbox's signed
// webhook goes through the store's webhook endpoint and the payment ends paid. `tokobapak payments
// list` is for admins: the customer is refused, an admin lists and filters.

const PASSWORD = 'kopi-susu-gula-aren-7';
let server: TestServer;
let url: string;
let configDir: string;
let adminConfigDir: string;
let customerId: string;
const ADMIN_EMAIL = 'budi@platform.example';

/** The CLI with the test's config folder, password and store URL. */
function cli(args: string[]) {
  return runCli(args, { TOKOBAPAK_CONFIG_DIR: configDir, TOKOBAPAK_PASSWORD: PASSWORD, TOKOBAPAK_URL: url });
}

beforeAll(async () => {
  if (!CLI_BUILT) return;
  server = await createTestServer({
    plugins: [
      authPlugin({ adminEmails: [ADMIN_EMAIL], passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }),
      userPlugin(),
      paymentPlugin({ env: {} }),
    ],
  });
  url = await server.listen({ port: 0, host: '127.0.0.1' });
  configDir = await mkdtemp(join(tmpdir(), 'tokobapak-payments-cli-'));
  adminConfigDir = await mkdtemp(join(tmpdir(), 'tokobapak-payments-cli-admin-'));
  await server.client().user.register({ body: { email: ADMIN_EMAIL, password: PASSWORD, name: 'Budi' } });
  const customer = server.client();
  await customer.user.register({ body: { email: 'ani@pembeli.example', password: PASSWORD, name: 'Ani' } });
  await customer.auth.login({ body: { email: 'ani@pembeli.example', password: PASSWORD } });
  customerId = (await customer.user.getProfile()).id;
});
afterAll(async () => {
  await server?.close();
  if (configDir) await rm(configDir, { recursive: true, force: true });
  if (adminConfigDir) await rm(adminConfigDir, { recursive: true, force: true });
});

describe.skipIf(!CLI_BUILT)(`tokobapak payments simulate as a process (needs ${CLI_BIN}; run pnpm build)`, () => {
  test('the signed-in customer pays their sandbox payment; someone else’s is a 404; a bad outcome is refused', { timeout: 180_000 }, async () => {
    const order = serviceClient(server, 'order');
    const mine = await order.payment.createPayment({
      body: { reference: 'chk_cli_1', amount: { amount: 75_000, currency: 'IDR' }, customerId, method: { type: 'qris' } },
    });
    const theirs = await order.payment.createPayment({
      body: { reference: 'chk_cli_2', amount: { amount: 10_000, currency: 'IDR' }, customerId: 'usr_someoneelse', method: { type: 'qris' } },
    });
    const expiring = await order.payment.createPayment({
      body: { reference: 'chk_cli_3', amount: { amount: 20_000, currency: 'IDR' }, customerId, method: { type: 'virtual_account', bank: 'bri' } },
    });

    const login = await cli(['login', '--email', 'ani@pembeli.example', '--url', url, '--json']);
    expect(login.code, login.stderr).toBe(0);

    const paid = await cli(['payments', 'simulate', mine.id, '--json']);
    expect(paid.code, paid.stderr).toBe(0);
    const { payment } = JSON.parse(paid.stdout) as { payment: { status: string; history: Array<{ status: string; source: string }> } };
    expect(payment.status).toBe('paid');
    expect(payment.history.map((entry) => `${entry.status}/${entry.source}`)).toEqual(['pending/api', 'paid/webhook']);

    const expired = await cli(['payments', 'simulate', expiring.id, '--outcome', 'expired']);
    expect(expired).toMatchObject({ code: 0, stdout: `Payment ${expiring.id} (20000 IDR, chk_cli_3) is expired\n` });

    const foreign = await cli(['payments', 'simulate', theirs.id, '--json']);
    expect(foreign.code).toBe(1);
    expect(JSON.parse(foreign.stdout)).toEqual({ error: { code: 'CLI_API_ERROR', message: '404 PAYMENT_NOT_FOUND: No such payment' } });

    const again = await cli(['payments', 'simulate', mine.id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/409 PAYMENT_NOT_PENDING/);

    const bad = await cli(['payments', 'simulate', mine.id, '--outcome', 'maybe']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--outcome \/ TOKOBAPAK_PAYMENT_OUTCOME must be paid, failed or expired/);
    expect((await order.payment.getPayment({ params: { paymentId: theirs.id } })).status).toBe('pending');
  });
});

describe.skipIf(!CLI_BUILT)(`tokobapak payments list as a process (needs ${CLI_BIN}; run pnpm build)`, () => {
  test('an admin lists payments newest first, by status, limited; the customer is refused', { timeout: 180_000 }, async () => {
    const order = serviceClient(server, 'order');
    const made = [];
    for (const n of [1, 2, 3]) {
      made.push(
        await order.payment.createPayment({
          body: { reference: `chk_list_${n}`, amount: { amount: 1_000 * n, currency: 'IDR' }, customerId, method: { type: 'qris' } },
        }),
      );
    }
    const asAdmin = (args: string[]) => runCli(args, { TOKOBAPAK_CONFIG_DIR: adminConfigDir, TOKOBAPAK_PASSWORD: PASSWORD, TOKOBAPAK_URL: url });
    const login = await asAdmin(['login', '--email', ADMIN_EMAIL, '--url', url, '--json']);
    expect(login.code, login.stderr).toBe(0);

    const all = await asAdmin(['payments', 'list', '--limit', '100', '--json']);
    expect(all.code, all.stderr).toBe(0);
    const listed = (JSON.parse(all.stdout) as { payments: Array<{ id: string; status: string }> }).payments;
    const ids = listed.map((payment) => payment.id);
    for (const payment of made) expect(ids).toContain(payment.id);
    expect(ids).toEqual([...ids].sort().reverse());

    const limited = await asAdmin(['payments', 'list', '--limit', '2', '--json']);
    expect((JSON.parse(limited.stdout) as { payments: Array<{ id: string }> }).payments.map((payment) => payment.id)).toEqual(ids.slice(0, 2));

    const pending = await asAdmin(['payments', 'list', '--status', 'pending', '--limit', '100', '--json']);
    const pendingIds = (JSON.parse(pending.stdout) as { payments: Array<{ id: string; status: string }> }).payments;
    expect(pendingIds.every((payment) => payment.status === 'pending')).toBe(true);
    expect(pendingIds.map((payment) => payment.id)).toEqual(expect.arrayContaining(made.map((payment) => payment.id)));

    // No refund was refused here, so the queue of payments that need a person is empty (the filter is applied, not dropped).
    const queue = await asAdmin(['payments', 'list', '--refund-failed']);
    expect(queue).toMatchObject({ code: 0, stdout: 'No payments.\n' });
    const table = await asAdmin(['payments', 'list', '--status', 'pending', '--limit', '1']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^ID +STATUS +AMOUNT/);
    expect(table.stdout).toContain(ids.find((id) => pendingIds.some((payment) => payment.id === id)) ?? 'a pending payment');

    const badStatus = await asAdmin(['payments', 'list', '--status', 'lost']);
    expect(badStatus.code).toBe(1);
    expect(badStatus.stderr).toMatch(/--status \/ TOKOBAPAK_PAYMENT_STATUS must be one of pending, paid/);
    const badLimit = await asAdmin(['payments', 'list', '--limit', '0']);
    expect(badLimit.code).toBe(1);
    expect(badLimit.stderr).toMatch(/--limit \/ TOKOBAPAK_LIMIT must be a whole number/);

    // The customer's session (the first test signed in) is not an admin's.
    const login2 = await cli(['login', '--email', 'ani@pembeli.example', '--url', url, '--json']);
    expect(login2.code, login2.stderr).toBe(0);
    const refused = await cli(['payments', 'list', '--json']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ error: { code: 'CLI_API_ERROR', message: expect.stringMatching(/^403 FORBIDDEN/) } });
  });
});

describe.skipIf(!CLI_BUILT)(`tokobapak payments acknowledge as a process (needs ${CLI_BIN}; run pnpm build)`, () => {
  test('an admin finds a refused refund on the queue, with what it owes, and acknowledges it once; the customer may not', { timeout: 180_000 }, async () => {
    const order = serviceClient(server, 'order');
    const asAdmin = (args: string[]) => runCli(args, { TOKOBAPAK_CONFIG_DIR: adminConfigDir, TOKOBAPAK_PASSWORD: PASSWORD, TOKOBAPAK_URL: url });
    expect((await asAdmin(['login', '--email', ADMIN_EMAIL, '--url', url, '--json'])).code).toBe(0);
    const payment = await order.payment.createPayment({
      body: { reference: 'chk_ack_1', amount: { amount: 90_000, currency: 'IDR' }, customerId, method: { type: 'qris' } },
    });
    expect((await asAdmin(['payments', 'simulate', payment.id])).code).toBe(0);
    // The sandbox gateway's own books say nothing is left to refund, so it refuses the refund: the real refusal path.
    await sql`update payment.sandbox_transactions set refunded_amount = amount where order_id = ${payment.id}`.execute(server.database.db);
    await expectProblem(
      order.payment.refundPayment({ params: { paymentId: payment.id }, body: { amount: { amount: 20_000, currency: 'IDR' } }, idempotencyKey: 'ack-1' }),
      422,
      'PAYMENT_PROVIDER_REFUSED',
    );

    const queue = await asAdmin(['payments', 'list', '--refund-failed']);
    expect(queue.code, queue.stderr).toBe(0);
    expect(queue.stdout).toMatch(/^ID +STATUS +AMOUNT +REFUNDED +OWED/);
    expect(queue.stdout).toMatch(new RegExp(`${payment.id} +paid +IDR 90000 +IDR 0 +IDR 20000`));

    const noNote = await asAdmin(['payments', 'acknowledge', payment.id]);
    expect(noNote.code).toBe(1);
    expect(noNote.stderr).toMatch(/--note \/ TOKOBAPAK_NOTE is required/);
    const badId = await asAdmin(['payments', 'acknowledge', 'pay_nope', '--note', 'x']);
    expect(badId.code).toBe(1);
    expect(badId.stderr).toMatch(/<paymentId> must be a pay_… id/);
    const byCustomer = await cli(['payments', 'acknowledge', payment.id, '--note', 'I got it', '--json']);
    expect(byCustomer.code).toBe(1);
    expect(JSON.parse(byCustomer.stdout)).toMatchObject({ error: { code: 'CLI_API_ERROR', message: expect.stringMatching(/^403 FORBIDDEN/) } });

    const done = await asAdmin(['payments', 'acknowledge', payment.id, '--json'].concat(['--note', 'sent back by BCA transfer 8812']));
    expect(done.code, done.stderr).toBe(0);
    const acknowledged = (JSON.parse(done.stdout) as { payment: { refundOwed: { amount: number }; status: string; history: Array<{ note: string | null }> } })
      .payment;
    expect(acknowledged).toMatchObject({ status: 'paid', refundOwed: { amount: 0 } });
    expect(acknowledged.history.at(-1)?.note).toContain('sent back by BCA transfer 8812');
    // Again, from the variable: the same payment, no second history entry.
    const again = await runCli(['payments', 'acknowledge', payment.id], {
      TOKOBAPAK_CONFIG_DIR: adminConfigDir,
      TOKOBAPAK_URL: url,
      TOKOBAPAK_NOTE: 'once more',
    });
    expect(again).toMatchObject({
      code: 0,
      stdout: `Payment ${payment.id} (chk_ack_1) owes no refused refund; it is paid, IDR 0 refunded through the gateway\n`,
    });
    expect((await order.payment.getPayment({ params: { paymentId: payment.id } })).history).toHaveLength(acknowledged.history.length);
    expect(await asAdmin(['payments', 'list', '--refund-failed'])).toMatchObject({ code: 0, stdout: 'No payments.\n' });
  });
});

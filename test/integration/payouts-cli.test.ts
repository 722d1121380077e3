import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authPlugin } from '@tokobapak/plugin-auth';
import { merchantPlugin } from '@tokobapak/plugin-merchant';
import { userPlugin } from '@tokobapak/plugin-user';
import type { TokoBapakClient } from '@tokobapak/sdk';
import { createTestServer, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CLI_BIN, CLI_BUILT, runCli } from './support/cli-process.js';

// `tokobapak payouts` as a process (the built CLI) against a store listening on a port, signed in
// with `tokobapak login` as the store's owner; an admin credits the balance and works the payout desk.

const PASSWORD = 'kopi-tubruk-pagi-hari-99';
const ADMIN = 'keuangan@platform.example';
let server: TestServer;
let url: string;
let configDir: string;
let storeId: string;
let admin: TokoBapakClient;

/** The CLI with the test's config folder, password and store URL. */
function cli(args: string[], env: Record<string, string> = {}) {
  return runCli(args, { TOKOBAPAK_CONFIG_DIR: configDir, TOKOBAPAK_PASSWORD: PASSWORD, TOKOBAPAK_URL: url, ...env });
}

async function signedIn(email: string, name: string): Promise<TokoBapakClient> {
  const client = server.client();
  await client.user.register({ body: { email, password: PASSWORD, name } });
  await client.auth.login({ body: { email, password: PASSWORD } });
  return client;
}

beforeAll(async () => {
  if (!CLI_BUILT) return;
  server = await createTestServer({
    plugins: [authPlugin({ adminEmails: [ADMIN], passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }), userPlugin(), merchantPlugin()],
  });
  url = await server.listen({ port: 0, host: '127.0.0.1' });
  configDir = await mkdtemp(join(tmpdir(), 'tokobapak-payouts-cli-'));
  const owner = await signedIn('wulan@toko.example', 'Wulan');
  storeId = (await owner.merchant.createStore({ body: { name: 'Toko Wulan', handle: 'toko-wulan' } })).id;
  admin = await signedIn(ADMIN, 'Tim Keuangan');
  await admin.merchant.adjustStoreBalance({ params: { storeId }, body: { amount: { amount: 250_000, currency: 'IDR' }, reason: 'Penjualan bulan November' } });
});
afterAll(async () => {
  await server?.close();
  if (configDir) await rm(configDir, { recursive: true, force: true });
});

describe.skipIf(!CLI_BUILT)(`tokobapak payouts as a process (needs ${CLI_BIN}; run pnpm build)`, () => {
  test('login, then balance, request and list; more than available is refused; bad flags name the flag', { timeout: 180_000 }, async () => {
    const login = await cli(['login', '--email', 'wulan@toko.example', '--store', 'toko-wulan', '--url', url, '--json']);
    expect(login.code, login.stderr).toBe(0);

    expect(await cli(['payouts', 'balance'])).toMatchObject({
      code: 0,
      stdout: 'Available: IDR 250000\nPending:   IDR 0 (requested or approved withdrawals)\n',
    });

    const requested = await cli(['payouts', 'request', '--amount', '100000', '--bank', 'bca', '--account-number', '1234567890', '--json'], {
      TOKOBAPAK_BANK_ACCOUNT_NAME: 'Wulan Sari',
      TOKOBAPAK_NOTE: 'Penarikan pertama',
    });
    expect(requested.code, requested.stderr).toBe(0);
    const { withdrawal } = JSON.parse(requested.stdout) as { withdrawal: { id: string; status: string; amount: unknown; note: string } };
    expect(withdrawal).toMatchObject({ status: 'requested', amount: { amount: 100_000, currency: 'IDR' }, note: 'Penarikan pertama' });

    const balance = JSON.parse((await cli(['payouts', 'balance', '--json'])).stdout) as { balance: unknown };
    expect(balance.balance).toEqual({
      storeId,
      currency: 'IDR',
      available: { amount: 150_000, currency: 'IDR' },
      pending: { amount: 100_000, currency: 'IDR' },
    });

    const tooMuch = await cli([
      'payouts',
      'request',
      '--amount',
      '150001',
      '--bank',
      'bca',
      '--account-number',
      '1234567890',
      '--account-name',
      'Wulan Sari',
      '--json',
    ]);
    expect(tooMuch.code).toBe(1);
    expect(JSON.parse(tooMuch.stdout).error).toMatchObject({ code: 'CLI_API_ERROR', message: expect.stringMatching(/^409 MERCHANT_INSUFFICIENT_BALANCE/) });

    await admin.merchant.approveWithdrawal({ params: { withdrawalId: withdrawal.id } });
    await admin.merchant.markWithdrawalPaid({ params: { withdrawalId: withdrawal.id }, body: { payoutReference: 'TRF-001' } });
    const table = await cli(['payouts', 'list']);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID +STATUS +AMOUNT +BANK +REQUESTED$/);
    expect(table.stdout).toMatch(new RegExp(`^${withdrawal.id} +paid +IDR 100000 +bca 1234567890 `, 'm'));
    const requestedOnly = JSON.parse((await cli(['payouts', 'list', '--status', 'requested', '--json'])).stdout) as { withdrawals: unknown[] };
    expect(requestedOnly.withdrawals).toEqual([]);

    const badAmount = await cli(['payouts', 'request', '--amount', '12.5', '--bank', 'bca', '--account-number', '1', '--account-name', 'x']);
    expect(badAmount.code).toBe(1);
    expect(badAmount.stderr).toMatch(/--amount \/ TOKOBAPAK_PAYOUT_AMOUNT must be a whole number/);
    const noBank = await cli(['payouts', 'request', '--amount', '1000']);
    expect(noBank.code).toBe(1);
    expect(noBank.stderr).toMatch(/Pass --bank \(or TOKOBAPAK_BANK_CODE\)/);
    const badStatus = await cli(['payouts', 'list', '--status', 'lost']);
    expect(badStatus.stderr).toMatch(/--status \/ TOKOBAPAK_WITHDRAWAL_STATUS must be one of requested, approved, paid, rejected/);
  });

  test('show one withdrawal through its life, and the ledger statement it leaves; an API key in the environment is not used', {
    timeout: 180_000,
  }, async () => {
    const login = await cli(['login', '--email', 'wulan@toko.example', '--store', 'toko-wulan', '--url', url, '--json']);
    expect(login.code, login.stderr).toBe(0);
    const available = async () =>
      (JSON.parse((await cli(['payouts', 'balance', '--json'])).stdout) as { balance: { available: { amount: number } } }).balance.available.amount;
    const before = await available();

    const requested = await cli([
      'payouts',
      'request',
      '--amount',
      '30000',
      '--bank',
      'bni',
      '--account-number',
      '555000111',
      '--account-name',
      'Wulan Sari',
      '--json',
    ]);
    const { withdrawal } = JSON.parse(requested.stdout) as { withdrawal: { id: string } };
    expect((await cli(['payouts', 'show', withdrawal.id])).stdout).toMatch(
      new RegExp(`^Withdrawal ${withdrawal.id} \\(requested\\), IDR 30000\nTo: +bni 555000111 \\(Wulan Sari\\)\nRequested: +\\S+\n$`),
    );
    await admin.merchant.rejectWithdrawal({ params: { withdrawalId: withdrawal.id }, body: { reason: 'Nama rekening tidak cocok' } });
    const rejected = await cli(['payouts', 'show', withdrawal.id]);
    expect(rejected.stdout).toMatch(/^Withdrawal wdr_\w+ \(rejected\), IDR 30000\n/);
    expect(rejected.stdout).toMatch(/^Rejected: +\S+: Nama rekening tidak cocok$/m);
    const shownJson = JSON.parse((await cli(['payouts', 'show', withdrawal.id, '--json'])).stdout) as { withdrawal: unknown };
    expect(shownJson.withdrawal).toMatchObject({ id: withdrawal.id, status: 'rejected', rejectionReason: 'Nama rekening tidak cocok' });

    // The rejection gave the money back: the newest entries are its posting, on both accounts.
    const { entries } = JSON.parse((await cli(['payouts', 'ledger', '--json'])).stdout) as {
      entries: Array<{ kind: string; account: string; amount: { amount: number }; balanceAfter: { amount: number }; withdrawalId: string | null }>;
    };
    const ofWithdrawal = entries.filter((entry) => entry.withdrawalId === withdrawal.id);
    expect(ofWithdrawal.map((entry) => `${entry.kind} ${entry.account} ${entry.amount.amount}`).sort()).toEqual([
      'withdrawal_rejected available 30000',
      'withdrawal_rejected pending -30000',
      'withdrawal_requested available -30000',
      'withdrawal_requested pending 30000',
    ]);
    expect(entries.slice(0, 2).map((entry) => entry.kind)).toEqual(['withdrawal_rejected', 'withdrawal_rejected']);
    expect(entries.find((entry) => entry.account === 'available')?.balanceAfter.amount).toBe(before);
    expect(entries.some((entry) => entry.kind === 'adjustment')).toBe(true);

    const statement = await cli(['payouts', 'ledger']);
    expect(statement.stdout.split('\n')[0]).toMatch(/^WHEN +KIND +ACCOUNT +AMOUNT +BALANCE +FOR +MEMO$/);
    expect(statement.stdout).toMatch(new RegExp(`withdrawal_rejected +available +IDR 30000 +IDR ${before} +${withdrawal.id} `, 'm'));
    const one = JSON.parse((await cli(['payouts', 'ledger', '--limit', '1', '--json'])).stdout) as { entries: unknown[] };
    expect(one.entries).toHaveLength(1);
    expect((await cli(['payouts', 'ledger', '--limit', 'all'])).stderr).toMatch(/--limit \/ TOKOBAPAK_LIMIT must be a whole number/);

    const badId = await cli(['payouts', 'show', 'withdrawal-1']);
    expect(badId.code).toBe(1);
    expect(badId.stderr).toMatch(/<withdrawalId> must be a wdr_… id/);
    const missing = await cli(['payouts', 'show', `wdr_${'0'.repeat(26)}`, '--json']);
    expect(JSON.parse(missing.stdout).error.message).toMatch(/^404 MERCHANT_WITHDRAWAL_NOT_FOUND/);

    // The server takes no API key for a store's money: one exported for other commands is left out.
    expect(await cli(['payouts', 'balance'], { TOKOBAPAK_API_KEY: 'tbk_for_the_order_desk' })).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^Available: /),
    });
    const noSession = await runCli(['payouts', 'balance', '--json'], {
      TOKOBAPAK_CONFIG_DIR: join(configDir, 'nobody'),
      TOKOBAPAK_URL: url,
      TOKOBAPAK_API_KEY: 'tbk_x',
    });
    expect(JSON.parse(noSession.stdout).error).toMatchObject({
      code: 'CLI_CREDENTIALS_MISSING',
      message: expect.stringMatching(/sign in with `tokobapak login`/),
    });
  });

  test('request --idempotency-key run twice makes one withdrawal and says the second was replayed; without a key, two runs make two', {
    timeout: 180_000,
  }, async () => {
    const login = await cli(['login', '--email', 'wulan@toko.example', '--store', 'toko-wulan', '--url', url, '--json']);
    expect(login.code, login.stderr).toBe(0);
    const balance = async () =>
      (JSON.parse((await cli(['payouts', 'balance', '--json'])).stdout) as { balance: { available: { amount: number } } }).balance.available.amount;
    const withdrawalIds = async () =>
      (JSON.parse((await cli(['payouts', 'list', '--json'])).stdout) as { withdrawals: Array<{ id: string }> }).withdrawals.map((w) => w.id);
    const request = ['payouts', 'request', '--amount', '10000', '--bank', 'bca', '--account-number', '1234567890', '--account-name', 'Wulan Sari'];
    const availableBefore = await balance();
    const idsBefore = await withdrawalIds();

    const key = randomUUID();
    const first = await cli([...request, '--idempotency-key', key, '--json']);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const made = JSON.parse(first.stdout) as { withdrawal: { id: string }; replayed: boolean };
    expect(made.replayed).toBe(false);
    const again = await cli([...request, '--idempotency-key', key, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ ...made, replayed: true });
    const plainAgain = await cli(request, { TOKOBAPAK_IDEMPOTENCY_KEY: key });
    expect(plainAgain.stdout).toBe(
      `Withdrawal ${made.withdrawal.id} of IDR 10000 is requested\nReplayed: this idempotency key was used before, so nothing was done again; this is the first run's answer.\n`,
    );
    expect(await balance()).toBe(availableBefore - 10_000);
    expect(await withdrawalIds()).toEqual([made.withdrawal.id, ...idsBefore]);

    // Without a key each run is a new request, as before.
    expect((await cli(request)).code).toBe(0);
    expect((await cli(request)).code).toBe(0);
    expect(await balance()).toBe(availableBefore - 30_000);
    expect(await withdrawalIds()).toHaveLength(idsBefore.length + 3);
  });
});

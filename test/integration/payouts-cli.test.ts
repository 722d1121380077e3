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
});

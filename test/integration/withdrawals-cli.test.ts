import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authPlugin } from '@tokobapak/plugin-auth';
import { merchantPlugin } from '@tokobapak/plugin-merchant';
import { userPlugin } from '@tokobapak/plugin-user';
import type { TokoBapakClient } from '@tokobapak/sdk';
import { createTestServer, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CLI_BIN, CLI_BUILT, runCli } from './support/cli-process.js';

// `tokobapak withdrawals`, the admins' withdrawal desk, as a process (the built CLI) against a
// store listening on a port. A merchant signed in with `tokobapak login` asks for withdrawals with
// `payouts request`; an admin (the auth service's `adminEmails`), signed in with their own
// `tokobapak login`, lists and filters them, approves one and marks it paid, and rejects another,
// whose money goes back to the store. The merchant is refused the desk; bad ids and flags are
// refused before anything is sent.

const PASSWORD = 'rendang-padang-pedas-42';
const ADMIN = 'meja-penarikan@platform.example';
const MERCHANT = 'sari@toko.example';
let server: TestServer;
let url: string;
let merchantDir: string;
let adminDir: string;
let storeId: string;
let otherStoreId: string;
let otherWithdrawalId: string;

/** The CLI in the merchant's config folder. */
function asMerchant(args: string[], env: Record<string, string> = {}) {
  return runCli(args, { TOKOBAPAK_CONFIG_DIR: merchantDir, TOKOBAPAK_PASSWORD: PASSWORD, TOKOBAPAK_URL: url, ...env });
}

/** The CLI in the admin's config folder. */
function asAdmin(args: string[], env: Record<string, string> = {}) {
  return runCli(args, { TOKOBAPAK_CONFIG_DIR: adminDir, TOKOBAPAK_PASSWORD: PASSWORD, TOKOBAPAK_URL: url, ...env });
}

async function signedIn(email: string, name: string): Promise<TokoBapakClient> {
  const client = server.client();
  await client.user.register({ body: { email, password: PASSWORD, name } });
  await client.auth.login({ body: { email, password: PASSWORD } });
  return client;
}

/** A port nothing listens on: a command that reached for the network there would fail as unreachable. */
async function deadUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

type Withdrawal = { id: string; storeId: string; status: string; amount: { amount: number }; payoutReference: string | null; rejectionReason: string | null };

const parsed = <T>(outcome: { stdout: string }) => JSON.parse(outcome.stdout) as T;

beforeAll(async () => {
  if (!CLI_BUILT) return;
  server = await createTestServer({
    plugins: [authPlugin({ adminEmails: [ADMIN], passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }), userPlugin(), merchantPlugin()],
  });
  url = await server.listen({ port: 0, host: '127.0.0.1' });
  merchantDir = await mkdtemp(join(tmpdir(), 'tokobapak-withdrawals-cli-'));
  adminDir = await mkdtemp(join(tmpdir(), 'tokobapak-withdrawals-cli-admin-'));
  const owner = await signedIn(MERCHANT, 'Sari');
  storeId = (await owner.merchant.createStore({ body: { name: 'Toko Sari', handle: 'toko-sari' } })).id;
  const admin = await signedIn(ADMIN, 'Meja Penarikan');
  await admin.merchant.adjustStoreBalance({ params: { storeId }, body: { amount: { amount: 250_000, currency: 'IDR' }, reason: 'Penjualan bulan November' } });

  // Another store with a withdrawal of its own, for the --store filter and the merchant's refusal.
  const other = await signedIn('joko@toko.example', 'Joko');
  otherStoreId = (await other.merchant.createStore({ body: { name: 'Toko Joko', handle: 'toko-joko' } })).id;
  await admin.merchant.adjustStoreBalance({ params: { storeId: otherStoreId }, body: { amount: { amount: 50_000, currency: 'IDR' }, reason: 'Saldo awal' } });
  await other.actAsStore(otherStoreId);
  const bankAccount = { bankCode: 'bri', accountNumber: '9988776655', accountHolderName: 'Joko Santoso' };
  otherWithdrawalId = (await other.merchant.requestWithdrawal({ body: { amount: { amount: 20_000, currency: 'IDR' }, bankAccount } })).id;
});
afterAll(async () => {
  await server?.close();
  for (const dir of [merchantDir, adminDir]) if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!CLI_BUILT)(`tokobapak withdrawals as a process (needs ${CLI_BIN}; run pnpm build)`, () => {
  test('a merchant requests, the admin lists and filters, approves and marks paid; another is rejected and its money is back', {
    timeout: 180_000,
  }, async () => {
    expect((await asMerchant(['login', '--email', MERCHANT, '--store', 'toko-sari', '--url', url, '--json'])).code).toBe(0);
    const request = (amount: string) =>
      asMerchant(['payouts', 'request', '--amount', amount, '--bank', 'bca', '--account-number', '1234567890', '--account-name', 'Sari Dewi', '--json']);
    const first = parsed<{ withdrawal: Withdrawal }>(await request('100000')).withdrawal;
    const second = parsed<{ withdrawal: Withdrawal }>(await request('30000')).withdrawal;
    expect([first.status, second.status]).toEqual(['requested', 'requested']);

    const login = await asAdmin(['login', '--email', ADMIN, '--url', url, '--json']);
    expect(login.code, login.stderr).toBe(0);

    // Every store's withdrawals, newest first; filtered by status, store and count.
    const all = await asAdmin(['withdrawals', 'list', '--json']);
    expect(all.code, all.stderr).toBe(0);
    expect(parsed<{ withdrawals: Withdrawal[] }>(all).withdrawals.map((w) => w.id)).toEqual([second.id, first.id, otherWithdrawalId]);
    const ofStore = await asAdmin(['withdrawals', 'list', '--status', 'requested', '--store', storeId, '--json']);
    expect(parsed<{ withdrawals: Withdrawal[] }>(ofStore).withdrawals.map((w) => w.id)).toEqual([second.id, first.id]);
    const ofOther = await asAdmin(['withdrawals', 'list', '--json'], { TOKOBAPAK_WITHDRAWAL_STORE: otherStoreId });
    expect(parsed<{ withdrawals: Withdrawal[] }>(ofOther).withdrawals.map((w) => w.id)).toEqual([otherWithdrawalId]);
    const one = await asAdmin(['withdrawals', 'list', '--limit', '1', '--json']);
    expect(parsed<{ withdrawals: Withdrawal[] }>(one).withdrawals.map((w) => w.id)).toEqual([second.id]);
    const table = await asAdmin(['withdrawals', 'list', '--store', otherStoreId]);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID +STATUS +STORE +AMOUNT +BANK +ACCOUNT NAME +REQUESTED$/);
    expect(table.stdout).toMatch(new RegExp(`^${otherWithdrawalId} +requested +${otherStoreId} +IDR 20000 +bri 9988776655 +Joko Santoso +\\S+$`, 'm'));

    // Approve, then record the bank transfer.
    const approved = await asAdmin(['withdrawals', 'approve', first.id]);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toBe(
      `Withdrawal ${first.id} of IDR 100000 (store ${storeId}) is approved: transfer it to bca 1234567890 (Sari Dewi), then record it with \`tokobapak withdrawals mark-paid ${first.id} --reference …\`\n`,
    );
    const approvedOnly = await asAdmin(['withdrawals', 'list', '--status', 'approved', '--json']);
    expect(parsed<{ withdrawals: Withdrawal[] }>(approvedOnly).withdrawals.map((w) => w.id)).toEqual([first.id]);
    const paid = await asAdmin(['withdrawals', 'mark-paid', first.id, '--reference', 'BCA-TRF-0042', '--json']);
    expect(paid.code, paid.stderr).toBe(0);
    expect(parsed<{ withdrawal: Withdrawal }>(paid).withdrawal).toMatchObject({ id: first.id, status: 'paid', payoutReference: 'BCA-TRF-0042' });
    // Marking it paid again changes nothing, and says the new reference was not kept.
    const again = await asAdmin(['withdrawals', 'mark-paid', first.id], { TOKOBAPAK_PAYOUT_REFERENCE: 'BCA-TRF-9999' });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(
      new RegExp(
        `^Withdrawal ${first.id} of IDR 100000 \\(store ${storeId}\\) is paid, reference BCA-TRF-0042\nIt was marked paid before \\(\\S+\\): the reference "BCA-TRF-9999" was not recorded\\.\n$`,
      ),
    );
    expect((await asMerchant(['payouts', 'show', first.id])).stdout).toMatch(/^Paid: +\S+, reference BCA-TRF-0042$/m);

    // Reject the second: its money goes back from pending to available.
    const rejected = await asAdmin(['withdrawals', 'reject', second.id, '--reason', 'Nama rekening tidak cocok']);
    expect(rejected.code, rejected.stderr).toBe(0);
    expect(rejected.stdout).toBe(
      `Withdrawal ${second.id} of IDR 30000 (store ${storeId}) is rejected: Nama rekening tidak cocok; the amount is back in the store's available balance\n`,
    );
    const balance = parsed<{ balance: { available: { amount: number }; pending: { amount: number } } }>(await asMerchant(['payouts', 'balance', '--json']));
    expect(balance.balance).toMatchObject({ available: { amount: 150_000 }, pending: { amount: 0 } });
    expect((await asMerchant(['payouts', 'show', second.id])).stdout).toMatch(/^Rejected: +\S+: Nama rekening tidak cocok$/m);

    // What the server refuses comes back as CLI_API_ERROR with its status and problem code.
    const rejectPaid = await asAdmin(['withdrawals', 'reject', first.id, '--reason', 'Terlambat', '--json']);
    expect(rejectPaid.code).toBe(1);
    expect(parsed<{ error: unknown }>(rejectPaid).error).toMatchObject({
      code: 'CLI_API_ERROR',
      message: expect.stringMatching(/^409 MERCHANT_WITHDRAWAL_INVALID_TRANSITION/),
    });
    const payRejected = await asAdmin(['withdrawals', 'mark-paid', second.id, '--reference', 'X-1']);
    expect(payRejected.code).toBe(1);
    expect(payRejected.stderr).toMatch(/409 MERCHANT_WITHDRAWAL_INVALID_TRANSITION/);
    const missing = await asAdmin(['withdrawals', 'approve', `wdr_${'0'.repeat(26)}`, '--json']);
    expect(parsed<{ error: { message: string } }>(missing).error.message).toMatch(/^404 MERCHANT_WITHDRAWAL_NOT_FOUND/);

    // A store API key exported for other commands is left out: the admin's session is used.
    const withKey = await asAdmin(['withdrawals', 'list', '--status', 'paid', '--json'], { TOKOBAPAK_API_KEY: 'tbk_for_the_order_desk' });
    expect(withKey.code, withKey.stderr).toBe(0);
    expect(parsed<{ withdrawals: Withdrawal[] }>(withKey).withdrawals.map((w) => w.id)).toEqual([first.id]);
  });

  test('a merchant is refused the desk; without a session it is CLI_CREDENTIALS_MISSING', { timeout: 180_000 }, async () => {
    expect((await asMerchant(['login', '--email', MERCHANT, '--store', 'toko-sari', '--url', url, '--json'])).code).toBe(0);
    const listed = await asMerchant(['withdrawals', 'list', '--json']);
    expect(listed.code).toBe(1);
    expect(parsed<{ error: unknown }>(listed).error).toMatchObject({ code: 'CLI_API_ERROR', message: expect.stringMatching(/^403 FORBIDDEN/) });
    const approve = await asMerchant(['withdrawals', 'approve', otherWithdrawalId]);
    expect(approve.code).toBe(1);
    expect(approve.stderr).toMatch(/403 FORBIDDEN/);
    // --email and the password sign in as that person, who is no admin either.
    const byPassword = await runCli(['withdrawals', 'reject', otherWithdrawalId, '--reason', 'x', '--email', MERCHANT, '--json'], {
      TOKOBAPAK_CONFIG_DIR: join(merchantDir, 'nobody'),
      TOKOBAPAK_PASSWORD: PASSWORD,
      TOKOBAPAK_URL: url,
    });
    expect(parsed<{ error: { message: string } }>(byPassword).error.message).toMatch(/^403 FORBIDDEN/);

    // Nobody signed in: a password in the environment alone does not sign in, nor does an API key.
    const noSession = await runCli(['withdrawals', 'list', '--json'], {
      TOKOBAPAK_CONFIG_DIR: join(adminDir, 'nobody'),
      TOKOBAPAK_URL: url,
      TOKOBAPAK_PASSWORD: PASSWORD,
      TOKOBAPAK_API_KEY: 'tbk_x',
    });
    expect(noSession.code).toBe(1);
    expect(parsed<{ error: unknown }>(noSession).error).toMatchObject({
      code: 'CLI_CREDENTIALS_MISSING',
      message: expect.stringMatching(/platform admins: sign in with `tokobapak login/),
    });

    // The other store's withdrawal is untouched.
    expect((await asAdmin(['login', '--email', ADMIN, '--url', url, '--json'])).code).toBe(0);
    const other = await asAdmin(['withdrawals', 'list', '--store', otherStoreId, '--json']);
    expect(parsed<{ withdrawals: Withdrawal[] }>(other).withdrawals).toMatchObject([{ id: otherWithdrawalId, status: 'requested' }]);
  });

  test('bad ids and flags are refused before anything is sent', { timeout: 180_000 }, async () => {
    // Signed in at a URL where nothing listens: anything sent would be CLI_SERVER_UNREACHABLE.
    const nowhere = await deadUrl();
    const offline = (args: string[]) =>
      runCli([...args, '--json'], {
        TOKOBAPAK_CONFIG_DIR: join(adminDir, 'offline'),
        TOKOBAPAK_URL: nowhere,
        TOKOBAPAK_PASSWORD: PASSWORD,
        TOKOBAPAK_EMAIL: ADMIN,
      });
    const reached = await offline(['withdrawals', 'list']);
    expect(parsed<{ error: { code: string } }>(reached).error.code).toBe('CLI_SERVER_UNREACHABLE');

    const refusals: Array<[string[], RegExp]> = [
      [['withdrawals', 'approve', 'withdrawal-1'], /^<withdrawalId> must be a wdr_… id, got "withdrawal-1"$/],
      [['withdrawals', 'mark-paid', 'WDR_01', '--reference', 'X-1'], /^<withdrawalId> must be a wdr_… id/],
      [['withdrawals', 'reject', otherWithdrawalId.toUpperCase(), '--reason', 'x'], /^<withdrawalId> must be a wdr_… id/],
      [['withdrawals', 'mark-paid', otherWithdrawalId], /^--reference \/ TOKOBAPAK_PAYOUT_REFERENCE is required/],
      [
        ['withdrawals', 'mark-paid', otherWithdrawalId, '--reference', 'x'.repeat(201)],
        /^--reference \/ TOKOBAPAK_PAYOUT_REFERENCE must be at most 200 characters/,
      ],
      [['withdrawals', 'reject', otherWithdrawalId, '--reason', '  '], /^--reason \/ TOKOBAPAK_REASON is required/],
      [['withdrawals', 'reject', otherWithdrawalId, '--reason', 'x'.repeat(1001)], /^--reason \/ TOKOBAPAK_REASON must be at most 1000 characters/],
      [['withdrawals', 'list', '--status', 'lost'], /^--status \/ TOKOBAPAK_WITHDRAWAL_STATUS must be one of requested, approved, paid, rejected/],
      [['withdrawals', 'list', '--store', 'toko-sari'], /^--store \/ TOKOBAPAK_WITHDRAWAL_STORE must be a sto_… store id/],
      [['withdrawals', 'list', '--limit', '0'], /^--limit \/ TOKOBAPAK_LIMIT must be a whole number/],
    ];
    for (const [args, message] of refusals) {
      const outcome = await offline(args);
      expect(outcome.code, args.join(' ')).toBe(1);
      expect(parsed<{ error: unknown }>(outcome).error, args.join(' ')).toMatchObject({ code: 'CLI_INVALID_VALUE', message: expect.stringMatching(message) });
    }
    // Checked before the session too: a bad id with nobody signed in is still the bad id.
    const noSession = await runCli(['withdrawals', 'approve', 'wdr_x'], { TOKOBAPAK_CONFIG_DIR: join(adminDir, 'nobody'), TOKOBAPAK_URL: url });
    expect(noSession.stderr).toMatch(/<withdrawalId> must be a wdr_… id/);
  });
});

import type { MerchantComponents } from '@tokobapak/sdk';
import { oneOf } from './choices.js';
import { CliError } from './errors.js';
import { firstItems } from './first-items.js';
import { type Replayable, sendKeyed } from './idempotency.js';
import { payoutVariables } from './payouts-environment.js';
import { type Connection, callApi, storeClient } from './store-connection.js';

/** A store's balance, a withdrawal and its status, a ledger entry, as the merchant service returns them. */
export type StoreBalance = MerchantComponents['schemas']['StoreBalance'];
export type Withdrawal = MerchantComponents['schemas']['Withdrawal'];
export type WithdrawalStatus = MerchantComponents['schemas']['WithdrawalStatus'];
export type LedgerEntry = MerchantComponents['schemas']['LedgerEntry'];

const STATUSES: WithdrawalStatus[] = ['requested', 'approved', 'paid', 'rejected'];

/** Checks `--currency` before the API would refuse it less helpfully; default IDR. */
export function payoutCurrency(value: string | undefined): string {
  if (value === undefined) return 'IDR';
  if (/^[A-Z]{3}$/.test(value)) return value;
  throw new CliError('CLI_INVALID_VALUE', `--currency / ${payoutVariables.currency.name} must be an ISO 4217 code such as IDR, got "${value}"`);
}

/** Checks `--amount`: a whole number of minor units above zero. */
export function payoutAmount(value: string): number {
  const amount = Number(value);
  if (/^[0-9]+$/.test(value) && Number.isSafeInteger(amount) && amount > 0) return amount;
  throw new CliError('CLI_INVALID_VALUE', `--amount / ${payoutVariables.amount.name} must be a whole number of minor units above zero, got "${value}"`);
}

/** Checks `--status`. */
export function payoutStatusFilter(value: string | undefined): WithdrawalStatus | undefined {
  return oneOf(value, STATUSES, payoutVariables.payoutStatus);
}

/** The store's balance in one currency. */
export async function showBalance(connection: Connection, currency: string): Promise<StoreBalance> {
  const client = await storeClient(connection);
  return callApi(connection, () => client.merchant.getStoreBalance({ query: { currency } }));
}

/** What a withdrawal request needs. */
export interface PayoutRequest {
  amount: number;
  currency: string;
  bankAccount: { bankCode: string; accountNumber: string; accountHolderName: string };
  note: string | undefined;
}

/**
 * Asks for a withdrawal from the available balance. The SDK's own key covers only its retries; with
 * `idempotencyKey`, running the command again asks for nothing more: the server answers the first.
 */
export async function requestPayout(connection: Connection, request: PayoutRequest, idempotencyKey: string | undefined): Promise<Replayable<Withdrawal>> {
  const body = {
    amount: { amount: request.amount, currency: request.currency },
    bankAccount: request.bankAccount,
    ...(request.note === undefined ? {} : { note: request.note }),
  };
  return sendKeyed(connection, idempotencyKey, (client, key) => client.merchant.requestWithdrawal({ body, ...key }));
}

/** Every withdrawal of the store, newest first, following the cursor to the last page. */
export async function listPayouts(connection: Connection, status: WithdrawalStatus | undefined): Promise<Withdrawal[]> {
  const client = await storeClient(connection);
  const withdrawals: Withdrawal[] = [];
  await callApi(connection, async () => {
    for await (const withdrawal of client.merchant.listWithdrawals.iterate({ query: { ...(status ? { status } : {}), limit: 100 } }))
      withdrawals.push(withdrawal);
  });
  return withdrawals;
}

/** Checks `<withdrawalId>` before anything is sent. */
export function withdrawalIdOf(withdrawalId: string): string {
  if (!/^wdr_[0-9a-z]{26}$/.test(withdrawalId)) throw new CliError('CLI_INVALID_VALUE', `<withdrawalId> must be a wdr_… id, got "${withdrawalId}"`);
  return withdrawalId;
}

/** One withdrawal of the store, with who approved, paid or rejected it and when. */
export async function showPayout(connection: Connection, withdrawalId: string): Promise<Withdrawal> {
  const id = withdrawalIdOf(withdrawalId);
  const client = await storeClient(connection);
  return callApi(connection, () => client.merchant.getWithdrawal({ params: { withdrawalId: id } }));
}

/**
 * The store's ledger statement in one currency: the newest `limit` entries on its available and
 * pending accounts, each with the account's balance after it, following the cursor as needed.
 */
export async function listLedger(connection: Connection, currency: string, limit: number): Promise<LedgerEntry[]> {
  const client = await storeClient(connection);
  return callApi(connection, () => firstItems(client.merchant.listStoreLedgerEntries.iterate({ query: { currency, limit: Math.min(limit, 100) } }), limit));
}

import type { MerchantComponents } from '@tokobapak/sdk';
import { oneOf } from './choices.js';
import { CliError } from './errors.js';
import { payoutVariables } from './payouts-environment.js';
import { type Connection, callApi, storeClient } from './store-connection.js';

/** A store's balance, a withdrawal and its status, as the merchant service returns them. */
export type StoreBalance = MerchantComponents['schemas']['StoreBalance'];
export type Withdrawal = MerchantComponents['schemas']['Withdrawal'];
export type WithdrawalStatus = MerchantComponents['schemas']['WithdrawalStatus'];

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

/** Asks for a withdrawal from the available balance (the SDK sends an idempotency key, so its retries make one). */
export async function requestPayout(connection: Connection, request: PayoutRequest): Promise<Withdrawal> {
  const client = await storeClient(connection);
  const body = {
    amount: { amount: request.amount, currency: request.currency },
    bankAccount: request.bankAccount,
    ...(request.note === undefined ? {} : { note: request.note }),
  };
  return callApi(connection, () => client.merchant.requestWithdrawal({ body }));
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

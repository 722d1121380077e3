import { CliError } from './errors.js';
import { firstItems } from './first-items.js';
import { type Withdrawal, type WithdrawalStatus, withdrawalIdOf } from './payouts-actions.js';
import { type Connection, callApi, signIn } from './store-connection.js';
import { withdrawalVariables } from './withdrawals-environment.js';

// The admins' withdrawal desk (`tokobapak withdrawals`): every store's withdrawals, and the three
// decisions on one. Each decision is a state change the server makes once (the same again answers
// the withdrawal as it is), so none takes an Idempotency-Key.

/** Checks `--store`: the desk filters by a store's id, as the list's STORE column shows it. */
export function deskStoreIdOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (/^sto_[0-9a-z]{26}$/.test(value)) return value;
  throw new CliError(
    'CLI_INVALID_VALUE',
    `--store / ${withdrawalVariables.store.name} must be a sto_… store id (the STORE column of the list), got "${value}"`,
  );
}

/** Checks a required text flag against the API's length limits, naming the flag and its variable. */
function textOf(value: string | undefined, variable: { flag: string; name: string }, what: string, max: number): string {
  const text = value?.trim() ?? '';
  const flag = variable.flag.split(' ')[0];
  if (text.length === 0) throw new CliError('CLI_INVALID_VALUE', `${flag} / ${variable.name} is required: ${what}`);
  if (text.length > max) throw new CliError('CLI_INVALID_VALUE', `${flag} / ${variable.name} must be at most ${max} characters, got ${text.length}`);
  return text;
}

/** Checks `--reference` of `mark-paid`. */
export function payoutReferenceOf(value: string | undefined): string {
  return textOf(value, withdrawalVariables.reference, "the bank transfer's reference", 200);
}

/** Checks `--reason` of `reject`. */
export function rejectionReasonOf(value: string | undefined): string {
  return textOf(value, withdrawalVariables.reason, 'say why, for the store', 1000);
}

/** What `tokobapak withdrawals list` asks for. */
export interface DeskFilter {
  status: WithdrawalStatus | undefined;
  storeId: string | undefined;
  limit: number;
}

/** Every store's withdrawals, newest first, following the cursor until `limit` are listed. Admins only. */
export async function listDeskWithdrawals(connection: Connection, filter: DeskFilter): Promise<Withdrawal[]> {
  const client = await signIn(connection);
  const query = {
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.storeId ? { storeId: filter.storeId } : {}),
    limit: Math.min(filter.limit, 100),
  };
  return callApi(connection, () => firstItems(client.merchant.adminListWithdrawals.iterate({ query }), filter.limit));
}

/** A decision of the desk on one withdrawal, checked before anything is sent. */
export type DeskDecision = { to: 'approved' } | { to: 'paid'; payoutReference: string } | { to: 'rejected'; reason: string };

/**
 * `requested` → `approved`, `approved` → `paid` (after the bank transfer, with its reference), or
 * `requested`/`approved` → `rejected` (the money goes back to the store's available balance).
 * Admins only; a withdrawal already in the wanted state comes back as it is.
 */
export async function decideDeskWithdrawal(connection: Connection, withdrawalId: string, decision: DeskDecision): Promise<Withdrawal> {
  const id = withdrawalIdOf(withdrawalId);
  const client = await signIn(connection);
  const params = { withdrawalId: id };
  return callApi(connection, () => {
    if (decision.to === 'approved') return client.merchant.approveWithdrawal({ params });
    if (decision.to === 'paid') return client.merchant.markWithdrawalPaid({ params, body: { payoutReference: decision.payoutReference } });
    return client.merchant.rejectWithdrawal({ params, body: { reason: decision.reason } });
  });
}

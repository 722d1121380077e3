import type { Command } from 'commander';
import type { CliContext } from '../services/cli-context.js';
import { idempotencyKeyOf, idempotencyVariable } from '../services/idempotency.js';
import { listLimitOf } from '../services/payments-actions.js';
import {
  listLedger,
  listPayouts,
  payoutAmount,
  payoutCurrency,
  payoutStatusFilter,
  requestPayout,
  showBalance,
  showPayout,
} from '../services/payouts-actions.js';
import { payoutVariables } from '../services/payouts-environment.js';
import { resolveJson } from '../services/settings.js';
import { sessionConnection } from '../services/store-connection.js';
import { outputMode, present, withSpinner } from '../ui/output.js';
import {
  balancePresentation,
  ledgerPresentation,
  withdrawalListPresentation,
  withdrawalPresentation,
  withdrawalRequestedPresentation,
} from '../ui/payout-presentations.js';
import { withReplayNote } from '../ui/replay-note.js';
import { optional, required, withSession } from './connection.js';
import { envOption } from './options.js';

interface PayoutFlags {
  url?: string;
  json?: boolean;
  currency?: string;
  amount?: string;
  bank?: string;
  accountNumber?: string;
  accountName?: string;
  note?: string;
  status?: string;
  limit?: string;
  idempotencyKey?: string;
}

/**
 * `tokobapak payouts balance|ledger|request|list|show`: the money of the store you act in, for its
 * owner and managers signed in with `tokobapak login` (the server takes no API key for it).
 */
export function registerPayoutsCommand(program: Command, context: CliContext): void {
  const payouts = program
    .command('payouts')
    .description(
      "your store's money: the balance, the ledger statement, withdrawals to request, list and show (signed in with `tokobapak login` as an owner or manager)",
    );

  withSession(payouts.command('balance').description('show the available and pending balance'))
    .addOption(envOption(payoutVariables.currency))
    .action(async (flags: PayoutFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const connection = sessionConnection(flags, context.env);
      const currency = payoutCurrency(optional(flags.currency, context, payoutVariables.currency));
      const balance = await withSpinner(mode, context.stdout, 'Fetching the balance', () => showBalance(connection, currency));
      present(mode, context.stdout, balancePresentation(balance));
    });

  withSession(payouts.command('ledger').description('list the entries on the balance, newest first, each with the balance after it'))
    .addOption(envOption(payoutVariables.currency))
    .addOption(envOption(payoutVariables.ledgerLimit))
    .action(async (flags: PayoutFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const connection = sessionConnection(flags, context.env);
      const currency = payoutCurrency(optional(flags.currency, context, payoutVariables.currency));
      const limit = listLimitOf(optional(flags.limit, context, payoutVariables.ledgerLimit));
      const entries = await withSpinner(mode, context.stdout, 'Fetching the ledger', () => listLedger(connection, currency, limit));
      present(mode, context.stdout, ledgerPresentation(entries));
    });

  withSession(payouts.command('request').description('ask for part of the available balance to be paid to a bank account'))
    .addOption(envOption(payoutVariables.amount))
    .addOption(envOption(payoutVariables.currency))
    .addOption(envOption(payoutVariables.bank))
    .addOption(envOption(payoutVariables.accountNumber))
    .addOption(envOption(payoutVariables.accountName))
    .addOption(envOption(payoutVariables.payoutNote))
    .addOption(envOption(idempotencyVariable))
    .action(async (flags: PayoutFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const connection = sessionConnection(flags, context.env);
      const request = {
        amount: payoutAmount(required(flags.amount, context, payoutVariables.amount)),
        currency: payoutCurrency(optional(flags.currency, context, payoutVariables.currency)),
        bankAccount: {
          bankCode: required(flags.bank, context, payoutVariables.bank),
          accountNumber: required(flags.accountNumber, context, payoutVariables.accountNumber),
          accountHolderName: required(flags.accountName, context, payoutVariables.accountName),
        },
        note: optional(flags.note, context, payoutVariables.payoutNote),
      };
      const key = idempotencyKeyOf(optional(flags.idempotencyKey, context, idempotencyVariable));
      const requested = await withSpinner(mode, context.stdout, 'Requesting the withdrawal', () => requestPayout(connection, request, key));
      present(mode, context.stdout, withReplayNote(withdrawalRequestedPresentation(requested.result), requested.replayed));
    });

  withSession(payouts.command('list').description("list the store's withdrawals, newest first"))
    .addOption(envOption(payoutVariables.payoutStatus))
    .action(async (flags: PayoutFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const connection = sessionConnection(flags, context.env);
      const status = payoutStatusFilter(optional(flags.status, context, payoutVariables.payoutStatus));
      const withdrawals = await withSpinner(mode, context.stdout, 'Fetching withdrawals', () => listPayouts(connection, status));
      present(mode, context.stdout, withdrawalListPresentation(withdrawals));
    });

  withSession(
    payouts
      .command('show')
      .description('show one withdrawal: amount, bank account, and when it was requested, approved, paid or rejected')
      .argument('<withdrawalId>', 'the wdr_… id'),
  ).action(async (withdrawalId: string, flags: PayoutFlags) => {
    const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
    const connection = sessionConnection(flags, context.env);
    const withdrawal = await withSpinner(mode, context.stdout, `Fetching ${withdrawalId}`, () => showPayout(connection, withdrawalId));
    present(mode, context.stdout, withdrawalPresentation(withdrawal));
  });
}

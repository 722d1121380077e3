import type { Command } from 'commander';
import type { CliContext } from '../services/cli-context.js';
import { listPayouts, payoutAmount, payoutCurrency, payoutStatusFilter, requestPayout, showBalance } from '../services/payouts-actions.js';
import { payoutVariables } from '../services/payouts-environment.js';
import { resolveJson } from '../services/settings.js';
import { sessionOrKeyConnection } from '../services/store-connection.js';
import { outputMode, present, withSpinner } from '../ui/output.js';
import { balancePresentation, withdrawalListPresentation, withdrawalRequestedPresentation } from '../ui/payout-presentations.js';
import { optional, required, withSessionOrKey } from './connection.js';
import { envOption } from './options.js';

interface PayoutFlags {
  url?: string;
  apiKey?: string;
  json?: boolean;
  currency?: string;
  amount?: string;
  bank?: string;
  accountNumber?: string;
  accountName?: string;
  note?: string;
  status?: string;
}

/** `tokobapak payouts balance|request|list`: the money of the store you act in (owners and managers). */
export function registerPayoutsCommand(program: Command, context: CliContext): void {
  const payouts = program
    .command('payouts')
    .description(
      "your store's balance and withdrawals: show the balance, request a withdrawal, list withdrawals (signed in with `tokobapak login` as an owner or manager)",
    );

  withSessionOrKey(payouts.command('balance').description('show the available and pending balance'))
    .addOption(envOption(payoutVariables.currency))
    .action(async (flags: PayoutFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const connection = sessionOrKeyConnection(flags, context.env);
      const currency = payoutCurrency(optional(flags.currency, context, payoutVariables.currency));
      const balance = await withSpinner(mode, context.stdout, 'Fetching the balance', () => showBalance(connection, currency));
      present(mode, context.stdout, balancePresentation(balance));
    });

  withSessionOrKey(payouts.command('request').description('ask for part of the available balance to be paid to a bank account'))
    .addOption(envOption(payoutVariables.amount))
    .addOption(envOption(payoutVariables.currency))
    .addOption(envOption(payoutVariables.bank))
    .addOption(envOption(payoutVariables.accountNumber))
    .addOption(envOption(payoutVariables.accountName))
    .addOption(envOption(payoutVariables.payoutNote))
    .action(async (flags: PayoutFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const connection = sessionOrKeyConnection(flags, context.env);
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
      const withdrawal = await withSpinner(mode, context.stdout, 'Requesting the withdrawal', () => requestPayout(connection, request));
      present(mode, context.stdout, withdrawalRequestedPresentation(withdrawal));
    });

  withSessionOrKey(payouts.command('list').description("list the store's withdrawals, newest first"))
    .addOption(envOption(payoutVariables.payoutStatus))
    .action(async (flags: PayoutFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const connection = sessionOrKeyConnection(flags, context.env);
      const status = payoutStatusFilter(optional(flags.status, context, payoutVariables.payoutStatus));
      const withdrawals = await withSpinner(mode, context.stdout, 'Fetching withdrawals', () => listPayouts(connection, status));
      present(mode, context.stdout, withdrawalListPresentation(withdrawals));
    });
}

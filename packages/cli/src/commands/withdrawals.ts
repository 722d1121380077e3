import type { Command } from 'commander';
import type { CliContext } from '../services/cli-context.js';
import { listLimitOf } from '../services/payments-actions.js';
import { payoutStatusFilter, withdrawalIdOf } from '../services/payouts-actions.js';
import { payoutVariables } from '../services/payouts-environment.js';
import { resolveJson } from '../services/settings.js';
import { adminConnection } from '../services/store-connection.js';
import { storeVariables } from '../services/store-environment.js';
import {
  type DeskDecision,
  decideDeskWithdrawal,
  deskStoreIdOf,
  listDeskWithdrawals,
  payoutReferenceOf,
  rejectionReasonOf,
} from '../services/withdrawals-actions.js';
import { withdrawalVariables } from '../services/withdrawals-environment.js';
import { outputMode, present, withSpinner } from '../ui/output.js';
import { deskDecisionPresentation, deskListPresentation } from '../ui/withdrawal-desk-presentations.js';
import { optional } from './connection.js';
import { envOption, storeOptions } from './options.js';

interface WithdrawalFlags {
  url?: string;
  email?: string;
  password?: string;
  json?: boolean;
  status?: string;
  store?: string;
  limit?: string;
  reference?: string;
  reason?: string;
}

/**
 * The flags of the admins' commands that a person runs: where the store runs, the session of
 * `tokobapak login` or `--email` and `--password`, and `--json`. No `--api-key`: the admin role is
 * a person's, and a key would only be refused.
 */
function withAdmin(command: Command): Command {
  return command
    .addOption(envOption(storeVariables.url))
    .addOption(envOption(storeVariables.email))
    .addOption(envOption(storeVariables.password))
    .addOption(storeOptions.json());
}

/** The sign-in of the desk; `--store` here filters the list and is not the store to act in. */
const connectionOf = (flags: WithdrawalFlags, context: CliContext) =>
  adminConnection({ url: flags.url, email: flags.email, password: flags.password }, context.env);

/**
 * `tokobapak withdrawals list|approve|mark-paid|reject`: the platform's withdrawal desk, for admins
 * signed in as a person. Merchants ask for withdrawals with `tokobapak payouts request`.
 */
export function registerWithdrawalsCommand(program: Command, context: CliContext): void {
  const withdrawals = program
    .command('withdrawals')
    .description("the platform's withdrawal desk (admins only): list every store's withdrawals, approve, mark paid after the bank transfer, or reject");

  withAdmin(withdrawals.command('list').description("list every store's withdrawals, newest first (admins only)"))
    .addOption(envOption(payoutVariables.payoutStatus))
    .addOption(envOption(withdrawalVariables.store))
    .addOption(envOption(withdrawalVariables.limit))
    .action(async (flags: WithdrawalFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const filter = {
        status: payoutStatusFilter(optional(flags.status, context, payoutVariables.payoutStatus)),
        storeId: deskStoreIdOf(optional(flags.store, context, withdrawalVariables.store)),
        limit: listLimitOf(optional(flags.limit, context, withdrawalVariables.limit)),
      };
      const connection = connectionOf(flags, context);
      const listed = await withSpinner(mode, context.stdout, 'Fetching withdrawals', () => listDeskWithdrawals(connection, filter));
      present(mode, context.stdout, deskListPresentation(listed));
    });

  const decide = async (withdrawalId: string, flags: WithdrawalFlags, label: string, decisionOf: () => DeskDecision) => {
    const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
    // The id and the flags are checked before the sign-in, so a typo sends nothing.
    const id = withdrawalIdOf(withdrawalId);
    const decision = decisionOf();
    const connection = connectionOf(flags, context);
    const withdrawal = await withSpinner(mode, context.stdout, `${label} ${id}`, () => decideDeskWithdrawal(connection, id, decision));
    present(mode, context.stdout, deskDecisionPresentation(withdrawal, decision));
  };

  withAdmin(
    withdrawals
      .command('approve')
      .description('approve a requested withdrawal (admins only); its money stays pending until it is marked paid')
      .argument('<withdrawalId>', 'the wdr_… id'),
  ).action((withdrawalId: string, flags: WithdrawalFlags) => decide(withdrawalId, flags, 'Approving', () => ({ to: 'approved' })));

  withAdmin(
    withdrawals
      .command('mark-paid')
      .description("record that an approved withdrawal was paid by bank transfer, with the transfer's reference (admins only); the CLI moves no money")
      .argument('<withdrawalId>', 'the wdr_… id'),
  )
    .addOption(envOption(withdrawalVariables.reference))
    .action((withdrawalId: string, flags: WithdrawalFlags) =>
      decide(withdrawalId, flags, 'Marking paid', () => ({
        to: 'paid',
        payoutReference: payoutReferenceOf(optional(flags.reference, context, withdrawalVariables.reference)),
      })),
    );

  withAdmin(
    withdrawals
      .command('reject')
      .description("reject a requested or approved withdrawal with a reason the store sees (admins only); the money returns to the store's available balance")
      .argument('<withdrawalId>', 'the wdr_… id'),
  )
    .addOption(envOption(withdrawalVariables.reason))
    .action((withdrawalId: string, flags: WithdrawalFlags) =>
      decide(withdrawalId, flags, 'Rejecting', () => ({
        to: 'rejected',
        reason: rejectionReasonOf(optional(flags.reason, context, withdrawalVariables.reason)),
      })),
    );
}

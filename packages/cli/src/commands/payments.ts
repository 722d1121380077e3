import { type Command, Option } from 'commander';
import type { CliContext } from '../services/cli-context.js';
import {
  acknowledgementNoteOf,
  acknowledgeRefundFailure,
  listLimitOf,
  listPayments,
  outcomeOf,
  paymentStatusFilter,
  simulatePayment,
} from '../services/payments-actions.js';
import { paymentVariables } from '../services/payments-environment.js';
import { resolveJson } from '../services/settings.js';
import { type ConnectionFlags, resolveConnection } from '../services/store-connection.js';
import { outputMode, present, withSpinner } from '../ui/output.js';
import { acknowledgedPaymentPresentation, paymentListPresentation, simulatedPaymentPresentation } from '../ui/payment-presentations.js';
import { enabled, optional, withConnection } from './connection.js';
import { envOption } from './options.js';

const outcomeVariable = { flag: '--outcome <outcome>', name: 'TOKOBAPAK_PAYMENT_OUTCOME' };

interface PaymentFlags extends ConnectionFlags {
  json?: boolean;
  outcome?: string;
  status?: string;
  refundFailed?: boolean;
  limit?: string;
  note?: string;
}

/** A person signs in with `--email` or the stored session; a password left in the environment for `login` alone does not sign in. */
function personConnection(flags: PaymentFlags, context: CliContext) {
  const signsIn = flags.email !== undefined || Boolean(context.env.TOKOBAPAK_EMAIL);
  return resolveConnection(flags, signsIn ? context.env : { ...context.env, TOKOBAPAK_PASSWORD: undefined });
}

/** `tokobapak payments list|acknowledge|simulate`: the admins' view of payments, and the sandbox gateway's customer, from the command line. */
export function registerPaymentsCommand(program: Command, context: CliContext): void {
  const payments = program.command('payments').description("list the platform's payments (admins), or pay in the built-in sandbox gateway");

  withConnection(payments.command('list').description('list payments, newest first (admins only); --refund-failed lists the ones that need a person'))
    .addOption(envOption(paymentVariables.paymentStatus))
    .addOption(envOption(paymentVariables.refundFailed))
    .addOption(envOption(paymentVariables.limit))
    .action(async (flags: PaymentFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const connection = personConnection(flags, context);
      const filter = {
        status: paymentStatusFilter(optional(flags.status, context, paymentVariables.paymentStatus)),
        refundFailed: enabled(flags.refundFailed, context, paymentVariables.refundFailed),
        limit: listLimitOf(optional(flags.limit, context, paymentVariables.limit)),
      };
      const listed = await withSpinner(mode, context.stdout, 'Fetching payments', () => listPayments(connection, filter));
      present(mode, context.stdout, paymentListPresentation(listed));
    });

  withConnection(
    payments
      .command('acknowledge')
      .description("record that a payment's refused refunds were paid back outside the store (admins only): it leaves --refund-failed")
      .argument('<paymentId>', 'the pay_… id'),
  )
    .addOption(envOption(paymentVariables.note))
    .action(async (paymentId: string, flags: PaymentFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const connection = personConnection(flags, context);
      const note = acknowledgementNoteOf(optional(flags.note, context, paymentVariables.note));
      const payment = await withSpinner(mode, context.stdout, 'Acknowledging', () => acknowledgeRefundFailure(connection, paymentId, note));
      present(mode, context.stdout, acknowledgedPaymentPresentation(payment));
    });

  withConnection(
    payments
      .command('simulate')
      .description('pay a sandbox payment as its customer (or an admin): the sandbox sends its signed webhook to the store')
      .argument('<paymentId>', 'the pay_… id'),
  )
    .addOption(new Option(outcomeVariable.flag, `paid (default), failed or expired [env: ${outcomeVariable.name}]`))
    .action(async (paymentId: string, flags: PaymentFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const connection = personConnection(flags, context);
      const outcome = outcomeOf(optional(flags.outcome, context, outcomeVariable));
      const payment = await withSpinner(mode, context.stdout, 'Paying in the sandbox', () => simulatePayment(connection, paymentId, outcome));
      present(mode, context.stdout, simulatedPaymentPresentation(payment));
    });
}

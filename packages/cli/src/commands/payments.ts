import { type Command, Option } from 'commander';
import type { CliContext } from '../services/cli-context.js';
import { outcomeOf, simulatePayment } from '../services/payments-actions.js';
import { resolveJson } from '../services/settings.js';
import { type ConnectionFlags, resolveConnection } from '../services/store-connection.js';
import { outputMode, present, withSpinner } from '../ui/output.js';
import { simulatedPaymentPresentation } from '../ui/payment-presentations.js';
import { optional, withConnection } from './connection.js';

const outcomeVariable = { flag: '--outcome <outcome>', name: 'TOKOBAPAK_PAYMENT_OUTCOME' };

interface PaymentFlags extends ConnectionFlags {
  json?: boolean;
  outcome?: string;
}

/** `tokobapak payments simulate`: the sandbox gateway's customer, from the command line. */
export function registerPaymentsCommand(program: Command, context: CliContext): void {
  const payments = program.command('payments').description('act on payments (the built-in sandbox gateway)');

  withConnection(
    payments
      .command('simulate')
      .description('pay a sandbox payment as its customer (or an admin): the sandbox sends its signed webhook to the store')
      .argument('<paymentId>', 'the pay_… id'),
  )
    .addOption(new Option(outcomeVariable.flag, `paid (default), failed or expired [env: ${outcomeVariable.name}]`))
    .action(async (paymentId: string, flags: PaymentFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      // A password without an email (left in the environment for `login`) does not sign in: the stored session does.
      const signsIn = flags.email !== undefined || Boolean(context.env.TOKOBAPAK_EMAIL);
      const connection = resolveConnection(flags, signsIn ? context.env : { ...context.env, TOKOBAPAK_PASSWORD: undefined });
      const outcome = outcomeOf(optional(flags.outcome, context, outcomeVariable));
      const payment = await withSpinner(mode, context.stdout, 'Paying in the sandbox', () => simulatePayment(connection, paymentId, outcome));
      present(mode, context.stdout, simulatedPaymentPresentation(payment));
    });
}

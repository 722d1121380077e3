import { type EventPayloads, eventTypes } from '@tokobapak/sdk';
import { eventSubscriber, type PluginContext } from '@tokobapak/server';
import type { AuthDatabase } from './database.js';
import type { AuthEvents } from './generated/manifest.js';

const subscribe = eventSubscriber<AuthDatabase, AuthEvents>();

/**
 * `payment.refund-failed` → a mail to every platform admin: the gateway refused a refund, so the
 * customer's money is still with the platform and a person has to return it.
 *
 * Why here: the notification service that will own alerts does not exist yet, and auth is the
 * service that knows who the admins are and their addresses (it already mails from an event, the
 * reset link). When the notification service comes, this subscription moves there.
 *
 * Why admins only, not the store: the payment is the checkout's, which can span several stores and
 * names none, and the money sits with the platform, which only an admin can pay out by hand.
 *
 * Once per refusal: payments publishes the event once per refused refund, and the runtime records
 * it as handled, so a redelivery sends nothing. A mail that fails is thrown, and the event retried
 * (which can mail an admin who already got it: effects outside the database are at least once).
 */
export function alertAdminsOfRefusedRefunds(context: () => PluginContext<AuthDatabase, AuthEvents>) {
  return subscribe({
    name: 'alert-admins-of-refused-refunds',
    types: [eventTypes.payment.refundFailed],
    async handle(event, tx) {
      const ctx = context();
      const admins = await tx.db.selectFrom('credentials').select('email').where('role', '=', 'admin').orderBy('email').execute();
      if (admins.length === 0) {
        ctx.log.error({ paymentId: event.data.paymentId, refundId: event.data.refundId }, 'a refund was refused and no admin account exists to tell');
        return;
      }
      const mail = refusedRefundMail(event.data, ctx.publicUrl);
      for (const admin of admins) await ctx.mailer.send({ to: admin.email, ...mail });
    },
  });
}

type RefundFailed = EventPayloads['payment.refund-failed'];

/** The mail: what was refused, what is owed, and where to settle it. */
export function refusedRefundMail(data: RefundFailed, publicUrl: string): { subject: string; text: string } {
  const money = (m: { amount: number; currency: string }) => `${m.amount} ${m.currency}`;
  return {
    subject: `Refund refused: ${money(data.amount)} of payment ${data.paymentId} must go back by hand`,
    text: [
      `The payment gateway (${data.provider}) refused refund ${data.refundId} of ${money(data.amount)}.`,
      'The customer has not got this money back: it is still with the platform.',
      '',
      `Payment: ${data.paymentId} (checkout ${data.reference})`,
      `Customer: ${data.customerId ?? 'a guest'}`,
      `Reason given for the refund: ${data.reason ?? 'none'}`,
      `Owed by this payment's refused refunds: ${money(data.owed)}`,
      '',
      'Payments that still owe a refused refund:',
      `  tokobapak payments list --refund-failed`,
      `  GET ${publicUrl}/payment/payments?refundFailed=true`,
      '',
      'Redo the refund once the gateway can take it, or return the money another way and then record that:',
      `  tokobapak payments acknowledge ${data.paymentId} --note 'how it went back'`,
      `  POST ${publicUrl}/payment/payments/${data.paymentId}/refund-failure/acknowledgement {"note": "how it went back"}`,
    ].join('\n'),
  };
}

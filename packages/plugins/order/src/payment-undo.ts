import type { CheckoutStep } from './checkout-step.js';

type Clients = Pick<Parameters<CheckoutStep['action']>[0], 'clients'>;

/**
 * Undoes a checkout's payment by the checkout's id (the payment's reference), whether or not one was
 * made: the payment service voids the reference, cancelling its payment if there is one and
 * refusing any create of it from then on. Nothing is created to find out (before, a compensation
 * that did not know the payment asked `createPayment` again, which could charge only to cancel).
 *
 * A payment that took money before it could be cancelled is refunded in full by the void itself,
 * once however often the void is repeated: the undo needs no payment id for it (before, the void
 * refused such a payment and the undo could refund it only if it knew the id). A failure or no
 * answer (also a refund the gateway refused, which needs a person) is thrown, to be retried.
 */
export async function voidCheckoutPayment(ctx: Clients, checkoutId: string): Promise<void> {
  await ctx.clients.payment.voidPayment({ body: { reference: checkoutId, reason: 'the checkout was undone' } });
}

/** Cancels a pending payment; one already paid is refunded in full instead, one already ended is left. */
export async function cancelPayment(ctx: Clients, paymentId: string): Promise<void> {
  try {
    await ctx.clients.payment.cancelPayment({ params: { paymentId }, idempotencyKey: `cancel:${paymentId}`, body: {} });
  } catch (error) {
    if ((error as { status?: number }).status !== 409) throw error;
    await refundWhatIsLeft(ctx, paymentId);
  }
}

/** Refunds what a paid (or partly refunded) payment still holds; any other payment is left as it is. */
async function refundWhatIsLeft(ctx: Clients, paymentId: string): Promise<void> {
  const payment = await ctx.clients.payment.getPayment({ params: { paymentId } });
  if (payment.status !== 'paid' && payment.status !== 'partially_refunded') return;
  const left = payment.amount.amount - payment.refundedAmount.amount;
  if (left <= 0) return;
  await ctx.clients.payment.refundPayment({
    params: { paymentId },
    idempotencyKey: `checkout-given-up:${paymentId}`,
    body: { amount: { amount: left, currency: payment.amount.currency }, reason: 'The checkout was given up' },
  });
}

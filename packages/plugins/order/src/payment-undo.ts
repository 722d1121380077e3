import type { CheckoutStep } from './checkout-step.js';

type Clients = Pick<Parameters<CheckoutStep['action']>[0], 'clients'>;

/**
 * Undoes a checkout's payment by the checkout's id (the payment's reference), whether or not one was
 * made: the payment service voids the reference, cancelling its payment if there is one and
 * refusing any create of it from then on. Nothing is created to find out (before, a compensation
 * that did not know the payment asked `createPayment` again, which could charge only to cancel).
 *
 * A payment that took money before it could be cancelled is refused by the void as by a
 * cancellation (`PAYMENT_NOT_CANCELLABLE`); it is refunded in full when its id is known (the step's
 * output, or the checkout row). Without the id the refusal is thrown: the runner keeps the process
 * compensating and retries it (logged at error level, the payment id in the message), rather than
 * drop money it cannot name. A failure or no answer is thrown too, to be retried.
 */
export async function voidCheckoutPayment(ctx: Clients, checkoutId: string, knownPaymentId: string | null): Promise<void> {
  try {
    await ctx.clients.payment.voidPayment({ body: { reference: checkoutId, reason: 'the checkout was undone' } });
  } catch (error) {
    if ((error as { code?: string }).code !== 'PAYMENT_NOT_CANCELLABLE' || !knownPaymentId) throw error;
    await refundWhatIsLeft(ctx, knownPaymentId);
  }
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

import { newId, ProblemError, platformErrors, Reply, requireUser } from '@tokobapak/server';
import { driveCheckout } from '../checkout-driver.js';
import type { checkoutProcess } from '../checkout-process.js';
import { checkoutOf, getCheckout } from '../checkout-read.js';
import type { CheckoutMemo } from '../checkout-store.js';
import { orderErrors } from '../errors.js';
import type { OrderSettings } from '../options.js';
import type { OrderHandlers } from './types.js';

/** Starting and cancelling checkouts. */
export function checkoutHandlers(
  settings: OrderSettings,
  checkout: ReturnType<typeof checkoutProcess>,
): Pick<OrderHandlers, 'createCheckout' | 'cancelCheckout'> {
  void settings;
  return {
    async createCheckout({ headers, body }, ctx) {
      const customerId = requireUser(ctx.caller).userId;
      // The runtime hands header parameters over by their lower-case names.
      const idempotencyKey = (headers as Record<string, string | undefined>)['idempotency-key'];
      const checkoutId = newId('chk');
      // The same key makes the same process, so even a retry the platform's key store does not
      // catch (a different request body, after the first failed) runs no second checkout.
      const key = idempotencyKey === undefined ? `checkout:${checkoutId}` : `checkout:${customerId}:${idempotencyKey}`;
      const input = {
        checkoutId,
        customerId,
        cartId: body.cartId,
        shippingAddress: body.shippingAddress,
        shipping: body.shipping ?? [],
        paymentMethod: body.paymentMethod,
      };
      // The run's own memo of its checkout row (see CheckoutMemo).
      let memo: CheckoutMemo = {};
      let run = await ctx.processes.start(checkout, { key, input, transient: memo });
      // A checkout undone because a service was down (503: it held nothing) is not this key's answer
      // for ever: a retry runs again under a key derived from the failed run, the same for every
      // concurrent retry, so the retries still make one checkout.
      while (!run.started && run.status === 'compensated' && run.error?.status === 503) {
        memo = {};
        run = await ctx.processes.start(checkout, { key: `${key}:after:${run.id}`, input, transient: memo });
      }
      if (run.cause) throw run.cause;
      // A retry that found the checkout still being driven by another server: the answer is not
      // known yet, and an error leaves the idempotency key free for the next retry to get it.
      if (run.status === 'running' || run.status === 'compensating') throw platformErrors.IDEMPOTENCY_IN_PROGRESS({ headers: { 'retry-after': '1' } });
      if (run.status === 'compensated' && run.error) {
        throw new ProblemError(run.error.code ?? 'ORDER_CHECKOUT_FAILED', run.error.status ?? 409, 'The checkout failed', { detail: run.error.message });
      }
      // This request's own run placed the orders: it answers the checkout as that wrote it, which a read now would give.
      if (run.started && run.status === 'succeeded' && memo.answer) return new Reply(201, checkoutOf(memo.answer));
      return new Reply(201, await getCheckout(ctx.db, customerId, (run.input as { checkoutId: string }).checkoutId));
    },

    async cancelCheckout({ params, body }, ctx) {
      const customerId = requireUser(ctx.caller).userId;
      const current = await getCheckout(ctx.db, customerId, params.checkoutId);
      if (current.status !== 'cancelled') {
        const now = ctx.clock.now();
        const moved = await ctx.db
          .updateTable('checkouts')
          .set({ status: 'cancelled', failure_message: body.note ?? 'cancelled by the customer', updated_at: now })
          .where('id', '=', params.checkoutId)
          .where('customer_id', '=', customerId)
          .where('status', '=', 'awaiting_payment')
          .executeTakeFirst();
        if (Number(moved.numUpdatedRows) === 0) throw orderErrors.ORDER_CHECKOUT_NOT_CANCELLABLE({ detail: `The checkout is ${current.status}` });
        // Released now, in this request; the settling job finishes it should this fail.
        await driveCheckout(ctx, { id: params.checkoutId, status: 'cancelled', attempts: 0 });
      }
      return getCheckout(ctx.db, customerId, params.checkoutId);
    },
  };
}

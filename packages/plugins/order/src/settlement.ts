import { defineProcess, isRefusal } from '@tokobapak/server';
import { type SettlementMemo, settlingCheckout } from './checkout-store.js';
import { isAwaited } from './checkout-waits.js';
import { confirmOrders } from './confirmation.js';
import type { OrderDatabase } from './database.js';
import { typed } from './order-desk.js';
import { cancelPayment } from './payment-undo.js';
import { cancelUnpaidOrders } from './placement.js';
import { releasePromotionsStep } from './release-promotions-step.js';
import { commitPromotionsStep } from './settle-promotions-step.js';

/** Which checkout a settling or releasing process works on. */
export interface SettlementInput {
  checkoutId: string;
}

/**
 * After the payment: commit the stock and the promotion uses, complete the cart, confirm the orders.
 * The first three are calls to three services that do not depend on each other, so they run at
 * once (`concurrent`): the wait is the slowest call's, not their sum. The orders are confirmed
 * last, in one transaction with the checkout's `settled_at`, so an order reads as paid only once
 * everything else is done: a shopper who sees it paid finds their cart completed and a new one to
 * fill. Every step is idempotent and resumes after a crash; the ones
 * before the confirmation are `repeatable` (nothing is written for them: a crash runs them again),
 * and the confirmation writes the process's success in its own transaction, so settling costs no
 * write of the process's state beyond its start. A run that fails (a service down) is started
 * again by the settling job, under a new key, until it gets through.
 */
export const settleProcess = defineProcess<OrderDatabase, SettlementInput, SettlementMemo>({
  name: 'settle',
  recovery: 'resume',
  steps: [
    {
      id: 'commit-stock',
      repeatable: true,
      concurrent: true,
      async action(ctx) {
        const { reservation_id: reservationId } = await settlingCheckout(ctx);
        if (reservationId) await ctx.clients.inventory.commitReservation({ params: { reservationId } });
      },
    },
    { ...commitPromotionsStep, repeatable: true, concurrent: true },
    {
      id: 'complete-cart',
      repeatable: true,
      concurrent: true,
      async action(ctx) {
        const { cart_id: cartId } = await settlingCheckout(ctx);
        await ctx.clients.cart.completeCart({ params: { cartId }, body: { checkoutId: ctx.input.checkoutId } });
      },
    },
    {
      id: 'confirm-orders',
      local: true,
      async action(ctx) {
        const now = ctx.clock.now();
        const checkoutId = ctx.input.checkoutId;
        // A shopper's read waiting for this checkout here is answered with what the confirmation answers (after the commit, by the driver).
        const settled = await ctx.transaction((tx) => confirmOrders(typed(tx), checkoutId, now, isAwaited(checkoutId)));
        if (ctx.transient && settled) ctx.transient.settled = settled;
      },
    },
  ],
});

/**
 * Instead of the payment (it failed or expired, the checkout expired, the customer cancelled): cancel
 * the payment (refund it if it was paid after all), give the stock and the promotion uses back,
 * cancel the orders. Idempotent steps, resumed after a crash (the first three `repeatable`, the
 * last writing the success in its own transaction, as in settling), retried by the settling job.
 */
export const releaseProcess = defineProcess<OrderDatabase, SettlementInput, SettlementMemo>({
  name: 'release',
  recovery: 'resume',
  steps: [
    {
      id: 'cancel-payment',
      repeatable: true,
      async action(ctx) {
        const checkout = await settlingCheckout(ctx);
        if (checkout.payment_id && !['failed', 'expired', 'cancelled'].includes(checkout.payment_status ?? '')) await cancelPayment(ctx, checkout.payment_id);
      },
    },
    {
      id: 'release-stock',
      repeatable: true,
      async action(ctx) {
        const { reservation_id: reservationId } = await settlingCheckout(ctx);
        if (!reservationId) return;
        await ctx.clients.inventory.releaseReservation({ params: { reservationId } }).catch((error: unknown) => {
          // Already released or expired: nothing is held any more.
          if (!isRefusal(error)) throw error;
        });
      },
    },
    { ...releasePromotionsStep, repeatable: true },
    {
      id: 'cancel-orders',
      local: true,
      async action(ctx) {
        const checkout = await settlingCheckout(ctx);
        const now = ctx.clock.now();
        const by = checkout.status === 'cancelled' ? 'customer' : 'system';
        await ctx.transaction((tx) => cancelUnpaidOrders(typed(tx), ctx.input.checkoutId, by, checkout.failure_message, now));
      },
    },
  ],
});

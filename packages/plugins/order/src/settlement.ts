import { defineProcess } from '@tokobapak/server';
import { cancelPayment } from './checkout-process.js';
import { requireCheckout } from './checkout-store.js';
import type { OrderDatabase } from './database.js';
import { typed } from './order-desk.js';
import { cancelUnpaidOrders, confirmOrders } from './placement.js';
import { isRefusal } from './refusal.js';
import { releasePromotionsStep } from './release-promotions-step.js';
import { commitPromotionsStep } from './settle-promotions-step.js';

/** Which checkout a settling or releasing process works on. */
export interface SettlementInput {
  checkoutId: string;
}

/**
 * After the payment: commit the stock and the promotion uses, confirm the orders, complete the cart.
 * Every step is idempotent and resumes after a crash; a run that fails (a service down) is started
 * again by the settling job, under a new key, until it gets through.
 */
export const settleProcess = defineProcess<OrderDatabase, SettlementInput>({
  name: 'settle',
  recovery: 'resume',
  steps: [
    {
      id: 'commit-stock',
      async action(ctx) {
        const { reservation_id: reservationId } = await requireCheckout(ctx.db, ctx.input.checkoutId);
        if (reservationId) await ctx.clients.inventory.commitReservation({ params: { reservationId } });
      },
    },
    commitPromotionsStep,
    {
      id: 'confirm-orders',
      async action(ctx) {
        const now = ctx.clock.now();
        await ctx.transaction((tx) => confirmOrders(typed(tx), ctx.input.checkoutId, now));
      },
    },
    {
      id: 'complete-cart',
      async action(ctx) {
        const { cart_id: cartId } = await requireCheckout(ctx.db, ctx.input.checkoutId);
        await ctx.clients.cart.completeCart({ params: { cartId }, body: { checkoutId: ctx.input.checkoutId } });
        const now = ctx.clock.now();
        await ctx.db.updateTable('checkouts').set({ settled_at: now, updated_at: now }).where('id', '=', ctx.input.checkoutId).execute();
      },
    },
  ],
});

/**
 * Instead of the payment (it failed or expired, the checkout expired, the customer cancelled): cancel
 * the payment (refund it if it was paid after all), give the stock and the promotion uses back,
 * cancel the orders. Idempotent steps, resumed after a crash, retried by the settling job.
 */
export const releaseProcess = defineProcess<OrderDatabase, SettlementInput>({
  name: 'release',
  recovery: 'resume',
  steps: [
    {
      id: 'cancel-payment',
      async action(ctx) {
        const checkout = await requireCheckout(ctx.db, ctx.input.checkoutId);
        if (checkout.payment_id && !['failed', 'expired', 'cancelled'].includes(checkout.payment_status ?? '')) await cancelPayment(ctx, checkout.payment_id);
      },
    },
    {
      id: 'release-stock',
      async action(ctx) {
        const { reservation_id: reservationId } = await requireCheckout(ctx.db, ctx.input.checkoutId);
        if (!reservationId) return;
        await ctx.clients.inventory.releaseReservation({ params: { reservationId } }).catch((error: unknown) => {
          // Already released or expired: nothing is held any more.
          if (!isRefusal(error)) throw error;
        });
      },
    },
    releasePromotionsStep,
    {
      id: 'cancel-orders',
      async action(ctx) {
        const checkout = await requireCheckout(ctx.db, ctx.input.checkoutId);
        const now = ctx.clock.now();
        const by = checkout.status === 'cancelled' ? 'customer' : 'system';
        await ctx.transaction(async (tx) => {
          await cancelUnpaidOrders(typed(tx), ctx.input.checkoutId, by, checkout.failure_message, now);
          await tx.db.updateTable('checkouts').set({ released_at: now, updated_at: now }).where('id', '=', ctx.input.checkoutId).execute();
        });
      },
    },
  ],
});

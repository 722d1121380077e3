import { defineProcess, isRefusal, type ProcessDefinition } from '@tokobapak/server';
import { cartUnavailable } from './cart-unavailable.js';
import { type CheckoutRequest, placementFromCart, placementTotal, reservationItems } from './checkout-cart.js';
import { reservePromotionsStep } from './checkout-promotions-step.js';
import { fixShippingStep } from './checkout-shipping-step.js';
import { type CheckoutMemo, knownPlacement, placementOf, requireCheckout } from './checkout-store.js';
import type { OrderDatabase } from './database.js';
import { orderErrors } from './errors.js';
import { holdSeconds, type OrderSettings } from './options.js';
import { typed } from './order-desk.js';
import { voidCheckoutPayment } from './payment-undo.js';
import { placeOrders } from './placement.js';

/** How long after the placement began a checkout that has not placed its orders is undone. */
const PLACEMENT_DEADLINE_MS = 2 * 60_000;

/**
 * The checkout, as a durable process: read the cart and fix the orders, fix each store's shipping
 * from its quote, reserve the stock, reserve the promotion uses, create the payment, place the
 * orders. Each step stores what its compensation needs; a refusal at any step undoes the steps
 * before it (the promotion uses and the stock released, the payment cancelled, the checkout marked
 * failed), and a crash is undone on restart, until the orders commit: `create-payment`'s outcome is
 * written in `place-orders`' transaction (no write of its own, docs/processes.md), so a crash
 * before that commit finds the payment unrecorded and voids it.
 *
 * The checkout row is written twice: by `open` (and `fix-shipping`), and by `place-orders` with the
 * reservation, redemption and payment the steps between made (their outputs, in the process's
 * state). A compensation that finds none of them there asks its service again by the checkout's
 * reference, as it would after a crash; the payment's voids the reference instead, which never
 * makes a payment (`payment-undo.ts`). The run's {@link CheckoutMemo} spares the steps reading the
 * placement back.
 *
 * What happens after the payment (settling) or instead of it (releasing) is `settlement.ts`.
 */
export function checkoutProcess(settings: OrderSettings): ProcessDefinition<OrderDatabase, CheckoutRequest, CheckoutMemo> {
  return defineProcess<OrderDatabase, CheckoutRequest, CheckoutMemo>({
    name: 'checkout',
    recovery: 'compensate',
    deadlineMs: PLACEMENT_DEADLINE_MS,
    steps: [
      {
        id: 'open',
        // Reading the cart and writing the checkout row can simply run again: its record waits for the next write.
        recovery: 'resume',
        repeatable: true,
        uncertain: ({ input }) => ({ checkoutId: input.checkoutId }),
        async action(ctx) {
          const { input } = ctx;
          const cart = await ctx.clients.cart.getCheckoutCart({ params: { cartId: input.cartId } }).catch((error: unknown) => {
            // Another customer's cart is as missing as one that does not exist.
            if ((error as { status?: number }).status === 404) throw orderErrors.ORDER_CART_NOT_FOUND();
            throw cartUnavailable(error);
          });
          const placement = placementFromCart(cart, input, settings.platformFeeBasisPoints);
          const now = ctx.clock.now();
          const row = {
            id: input.checkoutId,
            customer_id: input.customerId,
            cart_id: input.cartId,
            status: 'processing' as const,
            currency: placement.currency,
            total: placementTotal(placement),
            shipping_address: JSON.stringify(input.shippingAddress),
            payment_method: JSON.stringify(input.paymentMethod),
            placement: JSON.stringify(placement),
            expires_at: new Date(now.getTime() + settings.checkoutTtlSeconds * 1000),
            created_at: now,
            updated_at: now,
          };
          if (ctx.transient) {
            // This run's own checkout (no run before it wrote one): `fix-shipping` inserts the row, with its placement fixed.
            ctx.transient.placement = placement;
            ctx.transient.unwritten = row;
            return { checkoutId: input.checkoutId };
          }
          // A resumed run: a row already there (this step ran before) keeps its own placement, which the next steps read.
          await ctx.db
            .insertInto('checkouts')
            .values(row)
            .onConflict((conflict) => conflict.column('id').doNothing())
            .execute();
          return { checkoutId: input.checkoutId };
        },
        async compensate(ctx, output) {
          if (!output) return;
          const state = await ctx.processes.get(ctx.processId);
          const failure = state?.error ?? { message: 'the checkout was undone' };
          const expired = failure.message === 'the deadline passed';
          const undone = {
            status: expired ? ('expired' as const) : ('failed' as const),
            failure_code: failure.code ?? null,
            failure_message: failure.message.slice(0, 1000),
            released_at: ctx.clock.now(),
            updated_at: ctx.clock.now(),
          };
          const unwritten = ctx.transient?.unwritten;
          if (unwritten) {
            // Undone before `fix-shipping` wrote the row: it is written now, as undone.
            await ctx.db
              .insertInto('checkouts')
              .values({ ...unwritten, ...undone })
              .onConflict((conflict) => conflict.column('id').doUpdateSet(undone).where('checkouts.status', '=', 'processing'))
              .execute();
            return;
          }
          await ctx.db.updateTable('checkouts').set(undone).where('id', '=', output.checkoutId).where('status', '=', 'processing').execute();
        },
      },
      // It only rewrites the checkout's own placement: its record waits for the next write too.
      { ...fixShippingStep, repeatable: true },
      {
        id: 'reserve-stock',
        uncertain: () => ({ reservationId: null }),
        async action(ctx) {
          const placement = await knownPlacement(ctx);
          const reservation = await ctx.clients.inventory.reserveStock({
            body: { reference: ctx.input.checkoutId, items: reservationItems(placement), ttlSeconds: holdSeconds(settings) },
          });
          return { reservationId: reservation.id as string | null };
        },
        async compensate(ctx, output) {
          let reservationId = output?.reservationId ?? (await requireCheckout(ctx.db, ctx.input.checkoutId)).reservation_id;
          if (!reservationId) {
            // The outcome is unknown: asking again with the same reference answers the reservation
            // if it was made (and makes one otherwise, which is released all the same).
            const placement = await placementOf(ctx.db, ctx.input.checkoutId);
            const again = await ctx.clients.inventory
              .reserveStock({ body: { reference: ctx.input.checkoutId, items: reservationItems(placement), ttlSeconds: 60 } })
              .catch((error: unknown) => {
                if (isRefusal(error)) return undefined;
                throw error;
              });
            reservationId = again?.id ?? null;
          }
          if (reservationId) await ctx.clients.inventory.releaseReservation({ params: { reservationId } });
        },
      },
      reservePromotionsStep(settings),
      {
        id: 'create-payment',
        uncertain: () => ({ paymentId: null }),
        async action(ctx): Promise<CreatedPayment> {
          const placement = await knownPlacement(ctx);
          const payment = await createPayment(ctx, placementTotal(placement), placement.currency, settings);
          return { paymentId: payment.id, status: payment.status, instructions: payment.instructions ?? null, expiresAt: payment.expiresAt ?? null };
        },
        async compensate(ctx) {
          // Voided by the checkout's id, never created to find out, and refunded by the void if it was paid: see payment-undo.ts.
          await voidCheckoutPayment(ctx, ctx.input.checkoutId);
        },
      },
      {
        id: 'place-orders',
        // The payment exists: finishing the checkout is better than undoing it. A crash before its
        // commit finds `create-payment` unrecorded (its outcome is written here) and is undone; this
        // holds for a process stored by an earlier version, which recorded the payment on its own.
        recovery: 'resume',
        // The orders and the process's success commit together.
        local: true,
        async action(ctx) {
          const placement = await knownPlacement(ctx);
          const now = ctx.clock.now();
          const reserved = ctx.results['reserve-stock'] as { reservationId: string | null } | undefined;
          const redeemed = ctx.results['reserve-promotions'] as { redemptionId: string | null } | undefined;
          const payment = ctx.results['create-payment'] as Partial<CreatedPayment> | undefined;
          const answer = await ctx.transaction((tx) =>
            placeOrders(typed(tx), placement, now, {
              resumed: ctx.resumed,
              checkout: {
                status: 'awaiting_payment',
                updated_at: now,
                ...(reserved?.reservationId ? { reservation_id: reserved.reservationId } : {}),
                ...(redeemed?.redemptionId ? { redemption_id: redeemed.redemptionId } : {}),
                // A process stored before the payment's details were kept in its output had them written by its `create-payment`.
                ...(payment?.paymentId && payment.status !== undefined
                  ? {
                      payment_id: payment.paymentId,
                      // Kept where a payment event that came first (it is kept for the settling job) already says where the payment stands.
                      payment_status: payment.status,
                      payment_instructions: JSON.stringify(payment.instructions ?? null),
                      payment_expires_at: payment.expiresAt ?? null,
                    }
                  : {}),
              },
            }),
          );
          // Committed, with the process's success: the request that started this run answers it without reading it back.
          if (ctx.transient && answer) ctx.transient.answer = answer;
        },
      },
    ],
  });
}

/** What `create-payment` hands on to `place-orders` (and its compensation): the payment as created. */
interface CreatedPayment {
  paymentId: string | null;
  status: string;
  instructions: unknown;
  expiresAt: string | null;
}

type StepCtx = Parameters<ProcessDefinition<OrderDatabase, CheckoutRequest, CheckoutMemo>['steps'][number]['action']>[0];

function createPayment(ctx: StepCtx, amount: number, currency: string, settings: OrderSettings) {
  // No idempotency key: the payment is idempotent by its reference, the checkout's id (`x-idempotent-by`), so a retry finds it without a record.
  return ctx.clients.payment.createPayment({
    body: {
      reference: ctx.input.checkoutId,
      amount: { amount, currency },
      customerId: ctx.input.customerId,
      method: ctx.input.paymentMethod as never,
      expiresInSeconds: settings.checkoutTtlSeconds,
    },
  });
}

import { isRefusal } from '@tokobapak/server';
import type { CheckoutStep } from './checkout-step.js';
import { knownPlacement, placementOf, requireCheckout } from './checkout-store.js';
import { orderErrors } from './errors.js';
import { holdSeconds, type OrderSettings } from './options.js';

type Ctx = Parameters<CheckoutStep['action']>[0];

/**
 * Step `reserve-promotions`: counts the cart's applied promotions (coupons and automatic ones)
 * against their limits with the promotion service, all or none, under the checkout's id, for as
 * long as the stock is held. A limit used up since the cart was priced (by a concurrent checkout)
 * is refused there, answered as `ORDER_PROMOTION_UNAVAILABLE`, and undoes the checkout. A checkout without promotions
 * reserves nothing and returns nothing, so its compensation does nothing.
 */
export function reservePromotionsStep(settings: OrderSettings): CheckoutStep<{ redemptionId: string | null } | undefined> {
  return {
    id: 'reserve-promotions',
    uncertain: () => ({ redemptionId: null }),
    async action(ctx) {
      const placement = await knownPlacement(ctx);
      if ((placement.promotions ?? []).length === 0) return undefined;
      const redemption = await reserve(ctx, placement.promotions ?? [], holdSeconds(settings)).catch((error: unknown) => {
        if (!isRefusal(error)) throw error;
        // Used up by another checkout since the cart was priced (or ended, paused): one stable code for
        // the customer, the promotion service's own in the detail.
        const refusal = error as { code?: string; problem?: { detail?: string; title?: string } };
        throw orderErrors.ORDER_PROMOTION_UNAVAILABLE({
          detail: `${refusal.code ?? 'refused'}: ${refusal.problem?.detail ?? refusal.problem?.title ?? 'the promotion service refused'}`,
          errors: [{ pointer: '/cart/promotions', message: refusal.code ?? 'refused' }],
        });
      });
      // Written to the checkout row by `place-orders`; until then the compensation finds it by reference.
      return { redemptionId: redemption.id as string | null };
    },
    async compensate(ctx, output) {
      if (!output) return;
      let redemptionId = output.redemptionId ?? (await requireCheckout(ctx.db, ctx.input.checkoutId)).redemption_id;
      if (!redemptionId) {
        // The outcome is unknown: reserving again under the same reference answers the redemption if
        // it was made (and makes one otherwise, which is released all the same).
        const placement = await placementOf(ctx.db, ctx.input.checkoutId);
        if ((placement.promotions ?? []).length === 0) return;
        const again = await reserve(ctx, placement.promotions ?? [], 60).catch((error: unknown) => {
          if (isRefusal(error)) return undefined;
          throw error;
        });
        redemptionId = again?.id ?? null;
      }
      if (redemptionId) await releaseRedemption(ctx, redemptionId);
    },
  };
}

function reserve(ctx: Ctx, promotions: Array<{ promotionId: string; amount: number }>, ttlSeconds: number) {
  return ctx.clients.promotion.reservePromotionRedemption({
    body: { reference: ctx.input.checkoutId, customerId: ctx.input.customerId, promotions, ttlSeconds },
  });
}

/** Gives a redemption's uses back; one already released or expired is left as it is. */
export async function releaseRedemption(ctx: Pick<Ctx, 'clients'>, redemptionId: string): Promise<void> {
  await ctx.clients.promotion.releasePromotionRedemption({ params: { redemptionId } }).catch((error: unknown) => {
    // Released or expired already answers 200; a refusal here means there is nothing to give back.
    if (!isRefusal(error)) throw error;
  });
}

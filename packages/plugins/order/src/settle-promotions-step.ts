import { isRefusal } from '@tokobapak/server';
import type { SettlementStep } from './checkout-step.js';
import { settlingCheckout } from './checkout-store.js';

/**
 * Step `commit-promotions` of settling: the paid checkout's promotion uses become final. Committing
 * twice changes nothing, and a redemption whose hold ran out before the payment arrived is
 * committed late by the promotion service (its uses counted again). When the promotion service
 * fails or cannot be reached the step fails, so the settling (and with it the orders' confirmation)
 * is run again by the `settle-checkouts` job until the uses are committed. Only a refusal that no
 * retry can change (the redemption was released or is unknown, which a paid checkout never
 * leads to) is logged and passed over: the customer paid the discounted price and keeps it.
 */
export const commitPromotionsStep: SettlementStep = {
  id: 'commit-promotions',
  async action(ctx) {
    const { redemption_id: redemptionId } = await settlingCheckout(ctx);
    if (!redemptionId) return;
    await ctx.clients.promotion.commitPromotionRedemption({ params: { redemptionId } }).catch((error: unknown) => {
      if (!isRefusal(error)) throw error;
      ctx.log.warn({ checkoutId: ctx.input.checkoutId, redemptionId, error }, 'the promotion uses of a paid checkout could not be committed');
    });
  },
};

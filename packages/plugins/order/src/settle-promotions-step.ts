import type { SettlementStep } from './checkout-step.js';
import { requireCheckout } from './checkout-store.js';
import { isRefusal } from './refusal.js';

/**
 * Step `commit-promotions` of settling: the paid checkout's promotion uses become final. Committing
 * twice changes nothing. A redemption that can no longer be committed (it expired although the
 * hold outlives the payment) is logged and passed over: the customer paid the discounted price and
 * keeps it, and retrying could never succeed.
 */
export const commitPromotionsStep: SettlementStep = {
  id: 'commit-promotions',
  async action(ctx) {
    const { redemption_id: redemptionId } = await requireCheckout(ctx.db, ctx.input.checkoutId);
    if (!redemptionId) return;
    await ctx.clients.promotion.commitPromotionRedemption({ params: { redemptionId } }).catch((error: unknown) => {
      if (!isRefusal(error)) throw error;
      ctx.log.warn({ checkoutId: ctx.input.checkoutId, redemptionId, error }, 'the promotion uses of a paid checkout could not be committed');
    });
  },
};

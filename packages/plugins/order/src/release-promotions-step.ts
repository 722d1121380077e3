import { releaseRedemption } from './checkout-promotions-step.js';
import type { SettlementStep } from './checkout-step.js';
import { requireCheckout } from './checkout-store.js';

/** Step `release-promotions` of releasing: the given-up checkout's promotion uses go back to the limits. */
export const releasePromotionsStep: SettlementStep = {
  id: 'release-promotions',
  async action(ctx) {
    const { redemption_id: redemptionId } = await requireCheckout(ctx.db, ctx.input.checkoutId);
    if (redemptionId) await releaseRedemption(ctx, redemptionId);
  },
};

import { releaseRedemption } from './checkout-promotions-step.js';
import type { SettlementStep } from './checkout-step.js';
import { settlingCheckout } from './checkout-store.js';

/** Step `release-promotions` of releasing: the given-up checkout's promotion uses go back to the limits. */
export const releasePromotionsStep: SettlementStep = {
  id: 'release-promotions',
  async action(ctx) {
    const { redemption_id: redemptionId } = await settlingCheckout(ctx);
    if (redemptionId) await releaseRedemption(ctx, redemptionId);
  },
};

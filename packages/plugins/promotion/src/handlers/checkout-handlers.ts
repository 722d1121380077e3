import type { CandidateCache } from '../candidate-cache.js';
import { evaluate } from '../evaluation.js';
import { loadFacts } from '../evaluation-facts.js';
import { commitRedemption, releaseRedemption, reserveRedemption } from '../redemptions.js';
import type { PromotionHandlers } from './types.js';

/** What the cart and order services call: evaluation, and the redemption of a checkout. */
export function checkoutHandlers(
  candidates: CandidateCache,
): Pick<PromotionHandlers, 'evaluatePromotions' | 'reservePromotionRedemption' | 'commitPromotionRedemption' | 'releasePromotionRedemption'> {
  return {
    async evaluatePromotions({ body }, ctx) {
      const now = ctx.clock.now();
      return evaluate(body, await loadFacts(ctx.db, body, now, candidates));
    },
    async reservePromotionRedemption({ body }, ctx) {
      return reserveRedemption(ctx, body, ctx.clock.now());
    },
    async commitPromotionRedemption({ params }, ctx) {
      return commitRedemption(ctx, params.redemptionId, ctx.clock.now());
    },
    async releasePromotionRedemption({ params }, ctx) {
      return releaseRedemption(ctx, params.redemptionId, ctx.clock.now());
    },
  };
}

import { defineErrors } from '@tokobapak/server';

/** Every coded error the promotion service answers with (the spec's operation descriptions name them). */
export const promotionErrors = defineErrors({
  PROMOTION_NOT_FOUND: { status: 404, title: 'No such promotion' },
  PROMOTION_CODE_NOT_FOUND: { status: 404, title: 'No promotion has this code' },
  PROMOTION_CODE_TAKEN: { status: 409, title: 'Another promotion of the same owner already has this code' },
  PROMOTION_CODE_AMBIGUOUS: { status: 422, title: 'Several promotions have this code' },
  PROMOTION_INVALID_RULE: { status: 422, title: 'The fields do not fit the promotion type' },
  PROMOTION_INVALID_SCHEDULE: { status: 422, title: 'The promotion ends before it starts' },
  PROMOTION_EXPIRED: { status: 422, title: 'The promotion has ended' },
  PROMOTION_NOT_STARTED: { status: 422, title: 'The promotion has not started yet' },
  PROMOTION_PAUSED: { status: 422, title: 'The promotion is paused' },
  PROMOTION_CONDITIONS_NOT_MET: { status: 422, title: 'The promotion does not apply to this customer or cart' },
  PROMOTION_NOT_COMBINABLE: { status: 422, title: 'The promotion cannot be combined with the others' },
  PROMOTION_LIMIT_REACHED: { status: 409, title: 'The promotion has been used up' },
  PROMOTION_AMOUNT_TOO_LARGE: { status: 422, title: 'The amounts are too large to add up exactly' },
  PROMOTION_REDEMPTION_NOT_FOUND: { status: 404, title: 'No such redemption' },
  PROMOTION_REDEMPTION_NOT_ACTIVE: { status: 409, title: 'The redemption is no longer active' },
  PROMOTION_REDEMPTION_MISMATCH: { status: 409, title: 'The reference was already used for other promotions' },
});

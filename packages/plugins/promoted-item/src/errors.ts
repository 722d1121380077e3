import { defineErrors } from '@tokobapak/server';

/** Every coded error the promoted-item service answers with (the spec's operation descriptions name them). */
export const promotedItemErrors = defineErrors({
  PROMOTED_ITEM_BANNER_NOT_FOUND: { status: 404, title: 'No such banner' },
  PROMOTED_ITEM_PROMOTION_NOT_FOUND: { status: 404, title: 'No such promotion' },
  PROMOTED_ITEM_INVALID_SCHEDULE: { status: 422, title: 'The schedule ends before it starts' },
  PROMOTED_ITEM_NOT_LIVE: { status: 422, title: 'The slot is not live in this placement now' },
  PROMOTED_ITEM_IMAGE_NOT_FOUND: { status: 422, title: 'The banner image does not exist or belongs to another store' },
  PROMOTED_ITEM_PRODUCT_NOT_FOUND: { status: 422, title: 'The product does not exist, is not active, or belongs to another store' },
});

import { defineErrors } from '@tokobapak/server';

/** Every coded error the wishlist service answers with (the spec's operation descriptions name them). */
export const wishlistErrors = defineErrors({
  WISHLIST_ITEM_NOT_FOUND: { status: 404, title: 'No such item on your wishlist' },
  WISHLIST_VARIANT_NOT_FOUND: { status: 404, title: 'No such product variant' },
  WISHLIST_FULL: { status: 409, title: 'The wishlist holds the maximum number of items' },
});

import { eventTypes } from '@tokobapak/sdk';
import { eventSubscriber, type PluginContext } from '@tokobapak/server';
import type { WishlistDatabase } from './database.js';
import type { WishlistEvents } from './generated/manifest.js';

const subscribe = eventSubscriber<WishlistDatabase, WishlistEvents>();

/**
 * How long after the cart added a moved item's line its wish may still be on the list: the move's
 * own request takes it off as soon as the cart answers, and until then a move is in flight whose
 * answer must not turn into `WISHLIST_ITEM_NOT_FOUND` because the wish went first. Far longer than
 * any request lives.
 */
export const MOVE_GRACE_MS = 60_000;

/** How often the `drop-moved-items` job looks. */
export const DROP_MOVED_INTERVAL_MS = 10_000;

/**
 * The cart added a line under a reference of one of our items: the wish was moved, whether or not
 * the request that moved it lived to take it off. Noted here (a redelivery notes nothing more) for
 * the `drop-moved-items` job; other services' references name no item of ours and note nothing.
 */
export const noteMovedItems = subscribe({
  name: 'note-moved-items',
  types: [eventTypes.cart.lineReferenced],
  async handle(event, tx) {
    const { customerId, reference } = event.data;
    const wished = await tx.db.selectFrom('items').select('id').where('id', '=', reference).where('customer_id', '=', customerId).executeTakeFirst();
    if (!wished) return; // the move took it off already, as it nearly always does
    await tx.db
      .insertInto('moved_items')
      .values({ item_id: reference, customer_id: customerId, moved_at: new Date(event.time) })
      .onConflict((oc) => oc.column('item_id').doNothing())
      .execute();
  },
});

/**
 * Takes off the list the items whose move died after the cart took the line (noted by
 * {@link noteMovedItems}), once the grace is over, so a wish never stays next to its cart line
 * without the customer moving it again. Returns how many wishes it dropped.
 */
export async function dropMovedItems(ctx: PluginContext<WishlistDatabase, WishlistEvents>): Promise<number> {
  const before = new Date(ctx.clock.now().getTime() - MOVE_GRACE_MS);
  return ctx.transaction(async (tx) => {
    const due = await tx.db.deleteFrom('moved_items').where('moved_at', '<=', before).returning(['item_id', 'customer_id']).execute();
    let dropped = 0;
    for (const { item_id, customer_id } of due) {
      const removed = await tx.db.deleteFrom('items').where('id', '=', item_id).where('customer_id', '=', customer_id).executeTakeFirst();
      dropped += Number(removed.numDeletedRows);
    }
    return dropped;
  });
}

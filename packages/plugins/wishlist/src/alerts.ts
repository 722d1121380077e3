import { eventTypes } from '@tokobapak/sdk';
import { eventSubscriber, type PluginContext, type TxContext } from '@tokobapak/server';
import type { WishlistDatabase } from './database.js';
import type { WishlistEvents } from './generated/manifest.js';
import { liveVariants } from './variants.js';

type Tx = TxContext<WishlistDatabase, WishlistEvents>;
const subscribe = eventSubscriber<WishlistDatabase, WishlistEvents>();

/** Notices older than this are dropped: the relay never redelivers an event that old. */
const NOTICE_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
/** Products compared per job run (each batch is one inventory call per hundred variants). */
const PRICE_CHECK_BATCH = 100;

/**
 * A wished product is back in stock: one `wishlist.item-back-in-stock` per customer who wished for
 * any of its variants. A redelivered event finds its notices already written and publishes nothing.
 */
export const announceBackInStock = subscribe({
  name: 'announce-back-in-stock',
  types: [eventTypes.inventory.productBackInStock],
  async handle(event, tx) {
    const { productId, storeId } = event.data;
    const rows = await tx.db.selectFrom('items').select(['customer_id', 'variant_id']).where('product_id', '=', productId).orderBy('id').execute();
    const byCustomer = new Map<string, string[]>();
    for (const row of rows) byCustomer.set(row.customer_id, [...(byCustomer.get(row.customer_id) ?? []), row.variant_id]);
    for (const [customerId, variantIds] of byCustomer) {
      if (!(await firstNotice(tx, event.id, customerId, new Date(event.time)))) continue;
      await tx.publish({ type: eventTypes.wishlist.itemBackInStock, subject: customerId, data: { customerId, productId, storeId, variantIds } });
    }
  },
});

/**
 * A product was edited: its price may have changed. The event carries no price and a consumer may
 * not call inventory inside its transaction, so only wished products are queued here, and the
 * `compare-prices` job reads their prices and announces drops.
 */
export const queuePriceCheck = subscribe({
  name: 'queue-price-check',
  types: [eventTypes.inventory.productUpdated],
  async handle(event, tx) {
    const wished = await tx.db.selectFrom('items').select('id').where('product_id', '=', event.data.productId).limit(1).executeTakeFirst();
    if (!wished) return; // most products are on nobody's list: nothing is written for them
    await tx.db
      .insertInto('price_checks')
      .values({ product_id: event.data.productId, requested_at: new Date(event.time) })
      // A later edit moves the request on, so a check already running does not swallow it.
      .onConflict((oc) => oc.column('product_id').doUpdateSet({ requested_at: new Date(event.time) }))
      .execute();
  },
});

/** A deleted account's wishlist is erased, and the erasure acknowledged to the user service. */
export const eraseDeletedUsers = subscribe({
  name: 'erase-deleted-users',
  types: [eventTypes.user.deleted],
  async handle(event, tx) {
    const { userId } = event.data;
    await tx.db.deleteFrom('items').where('customer_id', '=', userId).execute();
    await tx.db.deleteFrom('notices').where('customer_id', '=', userId).execute();
    await tx.db.deleteFrom('moved_items').where('customer_id', '=', userId).execute();
    await tx.publish({ type: eventTypes.user.deletionAcknowledged, subject: userId, data: { userId, service: 'wishlist' } });
  },
});

/** True the first time this (event, customer) pair is seen. */
async function firstNotice(tx: Tx, eventId: string, customerId: string, at: Date): Promise<boolean> {
  const inserted = await tx.db
    .insertInto('notices')
    .values({ event_id: eventId, customer_id: customerId, created_at: at })
    .onConflict((oc) => oc.columns(['event_id', 'customer_id']).doNothing())
    .returning('event_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * One run of the `compare-prices` job: for a batch of queued products, reads the wished variants'
 * prices from inventory (outside any transaction), then in one transaction announces every item
 * whose price fell below the price its customer last saw and makes the new price the seen one (a
 * rise is recorded too, so a later fall back is a drop again). The queue rows go in the same
 * transaction, so a crash repeats the comparison and a repeat finds the seen prices already moved:
 * no alert is published twice.
 */
export async function comparePrices(ctx: PluginContext<WishlistDatabase, WishlistEvents>): Promise<number> {
  const queued = await ctx.db.selectFrom('price_checks').select(['product_id', 'requested_at']).orderBy('requested_at').limit(PRICE_CHECK_BATCH).execute();
  if (queued.length === 0) {
    await ctx.db
      .deleteFrom('notices')
      .where('created_at', '<', new Date(ctx.clock.now().getTime() - NOTICE_RETENTION_MS))
      .execute();
    return 0;
  }
  const productIds = queued.map((row) => row.product_id);
  const items = await ctx.db.selectFrom('items').selectAll().where('product_id', 'in', productIds).execute();
  const live = await liveVariants(
    ctx.clients,
    items.map((item) => item.variant_id),
  );
  let announced = 0;
  await ctx.transaction(async (tx) => {
    for (const item of items) {
      const now = live.get(item.variant_id);
      const seen = { amount: Number(item.seen_amount), currency: item.seen_currency };
      if (!now || (now.price.amount === seen.amount && now.price.currency === seen.currency)) continue;
      // Only the seen price this run read is replaced: an item added meanwhile keeps its own.
      const moved = await tx.db
        .updateTable('items')
        .set({ seen_amount: now.price.amount, seen_currency: now.price.currency })
        .where('id', '=', item.id)
        .where('seen_amount', '=', seen.amount)
        .where('seen_currency', '=', seen.currency)
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) === 0 || now.price.currency !== seen.currency || now.price.amount >= seen.amount) continue;
      announced += 1;
      await tx.publish({
        type: eventTypes.wishlist.priceDropped,
        subject: item.customer_id,
        data: {
          customerId: item.customer_id,
          itemId: item.id,
          productId: item.product_id,
          variantId: item.variant_id,
          storeId: item.store_id,
          previousPrice: seen,
          price: now.price,
        },
      });
    }
    // Only the requests this run answered: one that came in meanwhile stays for the next run.
    for (const check of queued) {
      await tx.db.deleteFrom('price_checks').where('product_id', '=', check.product_id).where('requested_at', '=', check.requested_at).execute();
    }
  });
  return announced;
}

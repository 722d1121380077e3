import type { WishlistComponents } from '@tokobapak/sdk';
import { decodeCursorMatching, newId, type PluginContext, toPage } from '@tokobapak/server';
import { sql } from 'kysely';
import type { WishlistDatabase } from './database.js';
import { wishlistErrors } from './errors.js';
import type { WishlistEvents } from './generated/manifest.js';
import { type ItemRow, toWishlistItem } from './mappers.js';
import type { WishlistSettings } from './options.js';
import { liveVariants } from './variants.js';

type Schemas = WishlistComponents['schemas'];
type Context = PluginContext<WishlistDatabase, WishlistEvents>;

const ITEM_ID = /^wsh_[0-9a-z]{26}$/;

/**
 * Adds a variant to a customer's list; `created` is false when it was already there (nothing
 * changes then). Inventory is asked first, outside the transaction; the count against the limit
 * and the insert run under a per-customer lock, so concurrent adds never pass the limit.
 */
export async function addItem(
  ctx: Context,
  settings: WishlistSettings,
  customerId: string,
  variantId: string,
): Promise<{ item: Schemas['WishlistItem']; created: boolean }> {
  const live = (await liveVariants(ctx.clients, [variantId])).get(variantId);
  if (!live) throw wishlistErrors.WISHLIST_VARIANT_NOT_FOUND(`Inventory has no public variant ${variantId}`);
  const { row, created } = await ctx.transaction(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`wishlist:${customerId}`}, 0))`.execute(tx.db);
    const existing = await tx.db.selectFrom('items').selectAll().where('customer_id', '=', customerId).where('variant_id', '=', variantId).executeTakeFirst();
    if (existing) return { row: existing, created: false };
    const { count } = await tx.db
      .selectFrom('items')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('customer_id', '=', customerId)
      .executeTakeFirstOrThrow();
    if (Number(count) >= settings.maxItems) throw wishlistErrors.WISHLIST_FULL(`A wishlist holds at most ${settings.maxItems} items; remove one first`);
    const inserted = await tx.db
      .insertInto('items')
      .values({
        id: newId('wsh'),
        customer_id: customerId,
        variant_id: variantId,
        product_id: live.productId,
        store_id: live.storeId,
        seen_amount: live.price.amount,
        seen_currency: live.price.currency,
        added_at: ctx.clock.now(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { row: inserted, created: true };
  });
  return { item: toWishlistItem(row, live), created };
}

/** Removes one of the customer's items; another customer's item is reported like a missing one. */
export async function removeItem(ctx: Context, customerId: string, itemId: string): Promise<void> {
  const removed = await ctx.db.deleteFrom('items').where('id', '=', itemId).where('customer_id', '=', customerId).executeTakeFirst();
  if (Number(removed.numDeletedRows) === 0) throw wishlistErrors.WISHLIST_ITEM_NOT_FOUND(`No item ${itemId} on your wishlist`);
}

/** One page of the customer's list, newest first, each item with its live variant (one inventory call per page). */
export async function listItems(ctx: Context, customerId: string, query: { cursor?: string; limit?: number }): Promise<Schemas['WishlistItemPage']> {
  const limit = query.limit ?? 20;
  const after = decodeCursorMatching(query.cursor, ITEM_ID);
  let select = ctx.db.selectFrom('items').selectAll().where('customer_id', '=', customerId);
  if (after) select = select.where('id', '<', after);
  const rows: ItemRow[] = await select
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const live = await liveVariants(
    ctx.clients,
    rows.slice(0, limit).map((row) => row.variant_id),
  );
  return toPage(
    rows,
    limit,
    (row) => row.id,
    (row) => toWishlistItem(row, live.get(row.variant_id)),
  );
}

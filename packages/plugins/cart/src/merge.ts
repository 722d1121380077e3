import type { CartComponents } from '@tokobapak/sdk';
import { newId } from '@tokobapak/server';
import { requireOpen } from './access.js';
import { hashCartToken } from './cart-token.js';
import { openCustomerCart, present } from './carts.js';
import type { Cart } from './context.js';
import { cartErrors } from './errors.js';
import { keepGuestShipping } from './merge-shipping.js';
import { loadCart } from './stored-cart.js';
import { lookUpVariants } from './variants.js';

type Schemas = CartComponents['schemas'];

/**
 * Moves every line of a guest cart into the customer's open cart at sign-in. Each quantity is
 * capped by what is available now (a variant in both carts adds up, then is capped); a line is
 * never dropped: one whose variant has nothing available is kept with one unit and shows as
 * `unavailable`, so the shopper sees what they had chosen. The guest's shipping choices come along
 * for the stores the customer's cart has none for. The guest cart is closed (`merged`),
 * so its token no longer reaches anything; merging it again answers the customer's cart.
 */
export async function mergeGuestCart(cart: Cart, customerId: string, token: string | undefined): Promise<Schemas['Cart']> {
  const { ctx, settings } = cart;
  if (!token) throw cartErrors.CART_TOKEN_REQUIRED();
  const guestRow = await ctx.db.selectFrom('carts').select(['id', 'status', 'merged_into']).where('token_hash', '=', hashCartToken(token)).executeTakeFirst();
  if (!guestRow) throw cartErrors.CART_NOT_FOUND();
  const now = ctx.clock.now();
  if (guestRow.status === 'merged') {
    const target = guestRow.merged_into ? await loadCart(ctx.db, guestRow.merged_into, settings.tax) : undefined;
    if (target?.customerId !== customerId) throw cartErrors.CART_NOT_FOUND();
    return present(cart, target);
  }
  requireOpen(guestRow);
  const guest = await loadCart(ctx.db, guestRow.id, settings.tax);
  if (!guest) throw cartErrors.CART_NOT_FOUND();
  const customerCartId = await openCustomerCart(ctx, customerId, guest.currency, now);
  const mine = await loadCart(ctx.db, customerCartId, settings.tax);
  if (!mine) throw cartErrors.CART_NOT_FOUND();
  const snapshots = await lookUpVariants(
    ctx,
    [...guest.lines, ...mine.lines].map((line) => line.variantId),
  );

  const merged = await ctx.transaction(async (tx) => {
    // Both carts locked in id order, so two merges never wait for each other in a cycle.
    const locked = await tx.db.selectFrom('carts').select(['id', 'status']).where('id', 'in', [guest.id, customerCartId]).orderBy('id').forUpdate().execute();
    for (const row of locked) requireOpen(row);
    const guestLines = await tx.db.selectFrom('cart_lines').selectAll().where('cart_id', '=', guest.id).execute();
    const myLines = await tx.db.selectFrom('cart_lines').selectAll().where('cart_id', '=', customerCartId).execute();
    const currency = myLines.length > 0 ? mine.currency : guest.currency;
    if (guestLines.length > 0 && myLines.length > 0 && guest.currency !== mine.currency)
      throw cartErrors.CART_CURRENCY_MISMATCH(`The guest cart is in ${guest.currency}, the customer's in ${mine.currency}`);
    const byVariant = new Map(myLines.map((line) => [line.variant_id, line]));
    const newLines = guestLines.filter((line) => !byVariant.has(line.variant_id)).length;
    if (myLines.length + newLines > settings.maxLines)
      throw cartErrors.CART_TOO_MANY_LINES(`Together the carts would have more than ${settings.maxLines} lines`);
    for (const line of guestLines) {
      const snapshot = snapshots.get(line.variant_id);
      const available = snapshot?.purchasable && snapshot.price.currency === currency ? snapshot.available : 0;
      const existing = byVariant.get(line.variant_id);
      const before = existing?.quantity ?? 0;
      // Capped by stock, but never below what the customer's cart already asked (a read caps that), nor below one unit.
      const quantity = Math.min(10000, Math.max(Math.min(before + line.quantity, available), before, 1));
      if (existing) await tx.db.updateTable('cart_lines').set({ quantity, updated_at: now }).where('id', '=', existing.id).execute();
      else
        await tx.db
          .insertInto('cart_lines')
          .values({
            id: newId('cli'),
            cart_id: customerCartId,
            variant_id: line.variant_id,
            store_id: line.store_id,
            quantity,
            created_at: line.created_at,
            updated_at: now,
          })
          .execute();
    }
    await keepGuestShipping(tx, guest.id, customerCartId);
    // The guest's coupon codes come along too (each still checked by the promotion service on every read).
    const codes = [...new Set([...mine.couponCodes, ...guest.couponCodes])].slice(0, 10);
    await tx.db
      .updateTable('carts')
      .set({ currency, coupon_codes: JSON.stringify(codes), updated_at: now })
      .where('id', '=', customerCartId)
      .execute();
    await tx.db.updateTable('carts').set({ status: 'merged', merged_into: customerCartId, updated_at: now }).where('id', '=', guest.id).execute();
    const after = await loadCart(tx.db, customerCartId, settings.tax);
    if (!after) throw cartErrors.CART_NOT_FOUND();
    return after;
  });
  return present(cart, merged, snapshots);
}

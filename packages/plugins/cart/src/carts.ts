import type { CartComponents } from '@tokobapak/sdk';
import { newId } from '@tokobapak/server';
import { ownedCart, requireOpen, type Shopper } from './access.js';
import { applicableShipping } from './applicable-shipping.js';
import { hashCartToken, newCartToken } from './cart-token.js';
import type { Cart, CartContext, Tx } from './context.js';
import { cartErrors } from './errors.js';
import { evaluateDiscounts } from './promotions.js';
import { insertGuestCart, loadCart } from './stored-cart.js';
import { lookUpVariants, type Snapshot } from './variants.js';
import { cartView, type StoredCart } from './view.js';

type Schemas = CartComponents['schemas'];

/** The most units one line holds (the spec's bound on a quantity). */
const MAX_LINE_QUANTITY = 10000;

/** A guest's new cart (with its token, once), or the customer's open cart, created if needed. */
export async function createCart({ ctx, settings }: Cart, customerId: string | null, currency: string | undefined): Promise<Schemas['CreatedCart']> {
  const now = ctx.clock.now();
  if (customerId) {
    const cartId = await openCustomerCart(ctx, customerId, currency ?? settings.defaultCurrency, now);
    return { ...(await readCart({ ctx, settings }, cartId)), token: null };
  }
  const token = newCartToken();
  const stored = await insertGuestCart(
    ctx.db,
    { id: newId('crt'), tokenHash: hashCartToken(token), currency: currency ?? settings.defaultCurrency, now },
    settings.tax,
  );
  return { ...(await present({ ctx, settings }, stored)), token };
}

/** The customer's open cart id, created when there is none; concurrent calls meet at the unique index and get one cart. */
export async function openCustomerCart(ctx: CartContext, customerId: string, currency: string, now: Date): Promise<string> {
  const existing = await ctx.db.selectFrom('carts').select('id').where('customer_id', '=', customerId).where('status', '=', 'open').executeTakeFirst();
  if (existing) return existing.id;
  await ctx.db
    .insertInto('carts')
    .values({ id: newId('crt'), customer_id: customerId, token_hash: null, status: 'open', currency, coupon_codes: '[]', created_at: now, updated_at: now })
    .onConflict((conflict) => conflict.column('customer_id').where('status', '=', 'open').doNothing())
    .execute();
  const created = await ctx.db.selectFrom('carts').select('id').where('customer_id', '=', customerId).where('status', '=', 'open').executeTakeFirstOrThrow();
  return created.id;
}

/** A cart as stored, or CART_NOT_FOUND. */
export async function storedCart({ ctx, settings }: Cart, cartId: string): Promise<StoredCart> {
  const cart = await loadCart(ctx.db, cartId, settings.tax);
  if (!cart) throw cartErrors.CART_NOT_FOUND();
  return cart;
}

/** Any cart by id with current prices and totals (for services and for answers after a change). */
export async function readCart(cart: Cart, cartId: string, known?: Map<string, Snapshot>): Promise<Schemas['Cart']> {
  return present(cart, await storedCart(cart, cartId), known);
}

/**
 * The API view of a stored cart: variants not already looked up in `known` cost one `getVariants`
 * call, and the discounts one `evaluatePromotions` call.
 */
export async function present(cart: Cart, stored: StoredCart, known?: Map<string, Snapshot>): Promise<Schemas['Cart']> {
  const missing = stored.lines.map((line) => line.variantId).filter((id) => !known?.has(id));
  const snapshots = new Map(known);
  if (missing.length > 0) for (const [id, snapshot] of await lookUpVariants(cart.ctx, missing)) snapshots.set(id, snapshot);
  const shipping = new Map(applicableShipping(stored, snapshots).map((choice) => [choice.storeId, choice.amount]));
  return cartView(stored, snapshots, { ...(await evaluateDiscounts(cart.ctx, stored, snapshots)), shipping });
}

/** The shopper's cart, read through: current prices, quantities capped by what is available now. */
export async function getCart(cart: Cart, cartId: string, shopper: Shopper): Promise<Schemas['Cart']> {
  const stored = ownedCart(await loadCart(cart.ctx.db, cartId, cart.settings.tax), shopper);
  return present(cart, stored);
}

/**
 * Adds units of a variant. The variants are looked up first (one call, for the cart's lines and
 * the new one, outside any transaction); then one transaction locks the cart, reads the line as
 * it is now and writes it only if the new quantity is available. Concurrent adds to one cart
 * queue on the cart's lock, so together they never ask for more than is available.
 */
export async function addLine(cart: Cart, cartId: string, shopper: Shopper, input: Schemas['LineInput'], once?: LineReference): Promise<Schemas['Cart']> {
  const { ctx, settings } = cart;
  const before = ownedCart(await loadCart(ctx.db, cartId, settings.tax), shopper);
  requireOpen(before);
  const snapshots = await lookUpVariants(ctx, [...before.lines.map((line) => line.variantId), input.variantId]);
  const variant = sellableVariant(snapshots, input.variantId, before.currency);
  const now = ctx.clock.now();
  const after = await ctx.transaction(async (tx) => {
    await lockAndTouch(tx, cartId, now);
    // Under the cart's lock, so of two requests with one reference the second sees the first's.
    if (once && !(await claimReference(tx, cartId, once, now))) return loadLocked(cart, tx, cartId);
    // The cart is locked, so its lines stay as read: one statement finds the line and counts them.
    const lines = await tx.db.selectFrom('cart_lines').select(['id', 'variant_id', 'quantity']).where('cart_id', '=', cartId).execute();
    const line = lines.find((candidate) => candidate.variant_id === input.variantId);
    const quantity = (line?.quantity ?? 0) + input.quantity;
    if (quantity > MAX_LINE_QUANTITY) throw cartErrors.CART_LINE_QUANTITY_LIMIT(`The line would hold ${quantity} units`);
    requireAvailable(variant, quantity);
    if (line) {
      await tx.db.updateTable('cart_lines').set({ quantity, updated_at: now }).where('id', '=', line.id).execute();
    } else {
      if (lines.length >= settings.maxLines) throw cartErrors.CART_TOO_MANY_LINES(`A cart holds at most ${settings.maxLines} lines`);
      await tx.db
        .insertInto('cart_lines')
        .values({ id: newId('cli'), cart_id: cartId, variant_id: input.variantId, store_id: variant.storeId, quantity, created_at: now, updated_at: now })
        .execute();
    }
    return loadLocked(cart, tx, cartId);
  });
  return present(cart, after, snapshots);
}

/** Names a line addition made for another service: the customer's reference adds a line once. */
export interface LineReference {
  customerId: string;
  reference: string;
}

/** Stores the reference with the change it names; false when the customer has used it already. */
async function claimReference(tx: Tx, cartId: string, once: LineReference, now: Date): Promise<boolean> {
  const claimed = await tx.db
    .insertInto('line_references')
    .values({ customer_id: once.customerId, reference: once.reference, cart_id: cartId, created_at: now })
    .onConflict((conflict) => conflict.columns(['customer_id', 'reference']).doNothing())
    .returning('reference')
    .executeTakeFirst();
  return claimed !== undefined;
}

/** Sets a line's quantity, checked against what is available now. */
export async function updateLine(cart: Cart, cartId: string, lineId: string, shopper: Shopper, quantity: number): Promise<Schemas['Cart']> {
  const { ctx, settings } = cart;
  const before = ownedCart(await loadCart(ctx.db, cartId, settings.tax), shopper);
  requireOpen(before);
  const line = before.lines.find((candidate) => candidate.id === lineId);
  if (!line) throw cartErrors.CART_LINE_NOT_FOUND();
  const snapshots = await lookUpVariants(
    ctx,
    before.lines.map((candidate) => candidate.variantId),
  );
  const variant = sellableVariant(snapshots, line.variantId, before.currency);
  requireAvailable(variant, quantity);
  const now = ctx.clock.now();
  const after = await ctx.transaction(async (tx) => {
    await lockAndTouch(tx, cartId, now);
    const updated = await tx.db
      .updateTable('cart_lines')
      .set({ quantity, updated_at: now })
      .where('id', '=', lineId)
      .where('cart_id', '=', cartId)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) throw cartErrors.CART_LINE_NOT_FOUND();
    return loadLocked(cart, tx, cartId);
  });
  return present(cart, after, snapshots);
}

/** Removes a line. */
export async function removeLine(cart: Cart, cartId: string, lineId: string, shopper: Shopper): Promise<Schemas['Cart']> {
  const { ctx, settings } = cart;
  ownedCart(await loadCart(ctx.db, cartId, settings.tax), shopper);
  const now = ctx.clock.now();
  const after = await ctx.transaction(async (tx) => {
    await lockAndTouch(tx, cartId, now);
    const removed = await tx.db.deleteFrom('cart_lines').where('id', '=', lineId).where('cart_id', '=', cartId).executeTakeFirst();
    if (removed.numDeletedRows === 0n) throw cartErrors.CART_LINE_NOT_FOUND();
    return loadLocked(cart, tx, cartId);
  });
  return present(cart, after);
}

/** Locks the cart row for the rest of the transaction, refusing a cart that is no longer open. */
export async function lockOpenCart(tx: Tx, cartId: string): Promise<void> {
  const row = await tx.db.selectFrom('carts').select('status').where('id', '=', cartId).forUpdate().executeTakeFirst();
  if (!row) throw cartErrors.CART_NOT_FOUND();
  requireOpen(row);
}

/**
 * Locks the cart row and stamps it changed in one statement (the update takes the row lock),
 * refusing a cart that is no longer open: the stamp rolls back with whatever refuses the change.
 */
async function lockAndTouch(tx: Tx, cartId: string, now: Date): Promise<void> {
  const row = await tx.db.updateTable('carts').set({ updated_at: now }).where('id', '=', cartId).returning('status').executeTakeFirst();
  if (!row) throw cartErrors.CART_NOT_FOUND();
  requireOpen(row);
}

async function loadLocked(cart: Cart, tx: Tx, cartId: string): Promise<StoredCart> {
  const stored = await loadCart(tx.db, cartId, cart.settings.tax);
  if (!stored) throw cartErrors.CART_NOT_FOUND();
  return stored;
}

/** The variant if it can go into this cart: it exists, is on sale, and is priced in the cart's currency. */
function sellableVariant(snapshots: Map<string, Snapshot>, variantId: string, currency: string): Snapshot {
  const variant = snapshots.get(variantId);
  if (!variant?.purchasable) throw cartErrors.CART_VARIANT_NOT_FOUND(`No variant ${variantId} is on sale`);
  if (variant.price.currency !== currency)
    throw cartErrors.CART_CURRENCY_MISMATCH(`The variant is priced in ${variant.price.currency}; this cart is in ${currency}`);
  return variant;
}

function requireAvailable(variant: Snapshot, quantity: number): void {
  if (quantity > variant.available) {
    throw cartErrors.CART_INSUFFICIENT_STOCK({
      detail: `${variant.available} of ${variant.variantId} available; the line would need ${quantity}`,
      errors: [{ pointer: '#/body/quantity', message: `${variant.available} available` }],
    });
  }
}

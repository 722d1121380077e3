import type { CartComponents } from '@tokobapak/sdk';
import { newId, queryTemplate } from '@tokobapak/server';
import { type QueryCreator, sql } from 'kysely';
import { ownedCart, requireOpen, type Shopper } from './access.js';
import { hashCartToken, newCartToken } from './cart-token.js';
import type { Cart, CartContext } from './context.js';
import type { CartDatabase } from './database.js';
import { cartErrors } from './errors.js';
import { type LineRefusal, MAX_LINE_QUANTITY } from './line-rules.js';
import { type VersionedChange, writePricedChange } from './priced-change.js';
import { adjustmentsOf } from './promotions.js';
import { type LineReference, referencedLineChange } from './referenced-line-write.js';
import { type CartRowJson, insertGuestCart, loadCart, loadCartShared, newCartOf, platformTaxOf } from './stored-cart.js';
import { lookUpVariants, lookUpVariantsShared, type Snapshot } from './variants.js';
import { type VersionedLineChange, versionedLineChange } from './versioned-line-write.js';
import { cartView, type StoredCart } from './view.js';

type Schemas = CartComponents['schemas'];

/** A guest's new cart (with its token, once), or the customer's open cart, created if needed. */
export async function createCart({ ctx, settings }: Cart, customerId: string | null, currency: string | undefined): Promise<Schemas['CreatedCart']> {
  const now = ctx.clock.now();
  if (customerId) {
    const cartCurrency = currency ?? settings.defaultCurrency;
    const opened = await openCustomerCartWithTax(ctx, customerId, cartCurrency, now);
    // A cart this statement inserted is known without reading it back (empty, the values given);
    // one that was there already is read, with its lines.
    const stored = opened.inserted
      ? newCartOf({ id: opened.id, customerId, tokenHash: null, currency: cartCurrency, now }, opened.platform_tax, settings.tax)
      : await storedCart({ ctx, settings }, opened.id);
    return { ...(await present({ ctx, settings }, stored)), token: null };
  }
  const token = newCartToken();
  const stored = await insertGuestCart(
    ctx.db,
    { id: newId('crt'), tokenHash: hashCartToken(token), currency: currency ?? settings.defaultCurrency, now },
    settings.tax,
  );
  return { ...(await present({ ctx, settings }, stored)), token };
}

/**
 * The customer's open cart id, created when there is none, in one statement: the insert gives way
 * at the unique index of open carts, and the same statement reads the cart that was already there.
 * Concurrent calls meet at that index and get one cart.
 */
export async function openCustomerCart(ctx: CartContext, customerId: string, currency: string, now: Date): Promise<string> {
  return (await openCustomerCartWithTax(ctx, customerId, currency, now)).id;
}

/**
 * `openCustomerCart`, also saying whether this statement inserted the cart, with the platform tax
 * read in the same statement: a cart just inserted then needs no read back (see `newCartOf`).
 */
async function openCustomerCartWithTax(
  ctx: CartContext,
  customerId: string,
  currency: string,
  now: Date,
): Promise<{ id: string; inserted: boolean; platform_tax: CartRowJson['platform_tax'] }> {
  const [found] = await openCustomerCartQuery.execute(ctx.db, { id: newId('crt'), customerId, currency, now });
  if (found) return found;
  // Another request's cart committed after this statement began: the insert gave way to it, but
  // the statement's snapshot could not see it. A new statement does.
  return { id: (await openCart(ctx.db, customerId).executeTakeFirstOrThrow()).id, inserted: false, platform_tax: null };
}

/**
 * The customer's open cart. 'open' as a literal, here and in the conflict target below: with a
 * parameter, a prepared statement's generic plan cannot tell that the partial index applies, and
 * PostgreSQL refuses the ON CONFLICT.
 */
function openCart(db: QueryCreator<CartDatabase>, customerId: string) {
  return db.selectFrom('carts').select('id').where('customer_id', '=', customerId).where('status', '=', sql.lit('open'));
}

/** `openCustomerCartWithTax`'s statement, compiled once: the cart inserted, or the open one there already, with the platform tax. */
const openCustomerCartQuery = queryTemplate<
  CartDatabase,
  { id: string; customerId: string; currency: string; now: Date },
  { id: string; inserted: boolean; platform_tax: CartRowJson['platform_tax'] }
>({
  name: 'cart_open_customer',
  build: (db, p) =>
    db
      .with('inserted', (qb) =>
        qb
          .insertInto('carts')
          .values({
            id: p.id,
            customer_id: p.customerId,
            token_hash: null,
            status: 'open',
            currency: p.currency,
            coupon_codes: '[]',
            created_at: p.now,
            updated_at: p.now,
          })
          .onConflict((conflict) => conflict.column('customer_id').where('status', '=', sql.lit('open')).doNothing())
          .returning('id'),
      )
      .with('opened', (qb) =>
        qb
          .selectFrom('inserted')
          .select(['id', sql<boolean>`true`.as('inserted')])
          .unionAll(openCart(db, p.customerId).select(sql<boolean>`false`.as('inserted'))),
      )
      .selectFrom('opened')
      .select((eb) => ['opened.id', 'opened.inserted', platformTaxOf(eb as never).as('platform_tax')]) as never,
});

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
  return cartView(stored, snapshots, await adjustmentsOf(cart.ctx, stored, snapshots));
}

/**
 * The shopper's cart, read through: current prices, quantities capped by what is available now.
 * The cart and its variants are read together with the other cart reads in flight (the `…Shared`
 * reads): under load one statement and one `getVariants` call serve many requests.
 */
export async function getCart(cart: Cart, cartId: string, shopper: Shopper): Promise<Schemas['Cart']> {
  const stored = ownedCart(await loadCartShared(cart.ctx.db, cartId, cart.settings.tax), shopper);
  const snapshots = await lookUpVariantsShared(
    cart.ctx,
    stored.lines.map((line) => line.variantId),
  );
  return present(cart, stored, snapshots);
}

/**
 * Adds units of a variant. The cart is read and the variants looked up first (one call, for the
 * cart's lines and the new one, outside any transaction), both shared with the other cart requests
 * of the same turn as `getCart` shares them (a shared read starts after this request asked, so it
 * is never older than its own would be, and the write checks the cart's version anyway). The
 * change is decided on the cart as read, priced, and written in one statement only if the cart
 * has not changed since (`writePricedChange`): an answer the promotion service cannot price
 * changes nothing, so a retry adds the units once. Concurrent adds to one cart each write only on
 * the version they decided on, so together they never ask for more than is available.
 *
 * A referenced addition (the wishlist's) is decided and priced the same way, and written in a
 * transaction with its reference's claim (`referencedLineChange`): a reference used already throws
 * `ReferenceUsed` and adds nothing.
 */
export async function addLine(cart: Cart, cartId: string, shopper: Shopper, input: Schemas['LineInput'], once?: LineReference): Promise<Schemas['Cart']> {
  const { ctx, settings } = cart;
  const read = ownedCart(await loadCartShared(ctx.db, cartId, settings.tax), shopper);
  requireOpen(read);
  const snapshots = await lookUpVariantsShared(ctx, [...read.lines.map((line) => line.variantId), input.variantId]);
  const variant = sellableVariant(snapshots, input.variantId, read.currency);
  const lineId = newId('cli');
  const decide = (current: StoredCart): VersionedChange => {
    if (variant.price.currency !== current.currency) throw lineRefused('CART_CURRENCY_MISMATCH', input.quantity, variant, current.currency, settings.maxLines);
    const existing = current.lines.find((line) => line.variantId === input.variantId);
    const quantity = (existing?.quantity ?? 0) + input.quantity;
    const refusal = addRefusal(quantity, variant.available, !existing && current.lines.length >= settings.maxLines);
    if (refusal) throw lineRefused(refusal, quantity, variant, current.currency, settings.maxLines);
    const change: VersionedLineChange = existing
      ? { kind: 'set', lineId: existing.id, quantity }
      : { kind: 'add', lineId, variantId: input.variantId, storeId: variant.storeId, quantity };
    return once ? referencedLineChange(ctx, current, change, once) : versionedLineChange(current, change);
  };
  return writePricedChange(cart, { cartId, shopper, read, snapshots, decide });
}

/** Why a line of `quantity` units may not be, in the order the checks were always made; undefined when it may. */
function addRefusal(quantity: number, available: number, wouldBeOneTooMany: boolean): LineRefusal | undefined {
  if (quantity > MAX_LINE_QUANTITY) return 'CART_LINE_QUANTITY_LIMIT';
  if (quantity > available) return 'CART_INSUFFICIENT_STOCK';
  if (wouldBeOneTooMany) return 'CART_TOO_MANY_LINES';
  return undefined;
}

/** Sets a line's quantity, checked against what is available now; priced before it is written (see `writePricedChange`). */
export async function updateLine(cart: Cart, cartId: string, lineId: string, shopper: Shopper, quantity: number): Promise<Schemas['Cart']> {
  const { ctx, settings } = cart;
  const read = ownedCart(await loadCartShared(ctx.db, cartId, settings.tax), shopper);
  requireOpen(read);
  // Shared as `addLine`'s reads are.
  const snapshots = await lookUpVariantsShared(
    ctx,
    read.lines.map((candidate) => candidate.variantId),
  );
  const decide = (current: StoredCart, known: Map<string, Snapshot>): VersionedChange => {
    const line = current.lines.find((candidate) => candidate.id === lineId);
    if (!line) throw cartErrors.CART_LINE_NOT_FOUND();
    requireAvailable(sellableVariant(known, line.variantId, current.currency), quantity);
    return versionedLineChange(current, { kind: 'set', lineId, quantity });
  };
  return writePricedChange(cart, { cartId, shopper, read, snapshots, decide });
}

/** Removes a line; priced before it is written (see `writePricedChange`). */
export async function removeLine(cart: Cart, cartId: string, lineId: string, shopper: Shopper): Promise<Schemas['Cart']> {
  const { ctx, settings } = cart;
  const read = ownedCart(await loadCartShared(ctx.db, cartId, settings.tax), shopper);
  requireOpen(read);
  const decide = (current: StoredCart): VersionedChange => {
    if (!current.lines.some((line) => line.id === lineId)) throw cartErrors.CART_LINE_NOT_FOUND();
    return versionedLineChange(current, { kind: 'remove', lineId });
  };
  // The answer prices the lines left, so only their variants are looked up.
  decide(read);
  const snapshots = await lookUpVariantsShared(
    ctx,
    read.lines.filter((line) => line.id !== lineId).map((line) => line.variantId),
  );
  return writePricedChange(cart, { cartId, shopper, read, snapshots, decide });
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
  if (quantity > variant.available) throw insufficientStock(variant, quantity);
}

function insufficientStock(variant: Snapshot, quantity: number) {
  return cartErrors.CART_INSUFFICIENT_STOCK({
    detail: `${variant.available} of ${variant.variantId} available; the line would need ${quantity}`,
    errors: [{ pointer: '#/body/quantity', message: `${variant.available} available` }],
  });
}

/** The problem for a line refused on the cart as read (a refusal changes nothing, and is decided again on a cart that changed). */
function lineRefused(refusal: LineRefusal | undefined, quantity: number, variant: Snapshot, currency: string, maxLines: number) {
  switch (refusal) {
    case 'CART_NOT_OPEN':
      return cartErrors.CART_NOT_OPEN('The cart is no longer open');
    case 'CART_CURRENCY_MISMATCH':
      return cartErrors.CART_CURRENCY_MISMATCH(`The variant is priced in ${variant.price.currency}; this cart is no longer in ${currency}`);
    case 'CART_LINE_QUANTITY_LIMIT':
      return cartErrors.CART_LINE_QUANTITY_LIMIT(`The line would hold ${quantity} units`);
    case 'CART_INSUFFICIENT_STOCK':
      return insufficientStock(variant, quantity);
    case 'CART_TOO_MANY_LINES':
      return cartErrors.CART_TOO_MANY_LINES(`A cart holds at most ${maxLines} lines`);
    default:
      return cartErrors.CART_NOT_FOUND();
  }
}

import type { CartComponents } from '@tokobapak/sdk';
import { ownedCart, requireOpen, type Shopper } from './access.js';
import { applicableShipping } from './applicable-shipping.js';
import type { Cart, CartContext } from './context.js';
import { writePricedChange } from './priced-change.js';
import { adjustmentsOf } from './promotions.js';
import { hasStore, readQuote } from './shipping-choice.js';
import { loadCart } from './stored-cart.js';
import { lookUpVariants, type Snapshot } from './variants.js';
import { type ShippingChoice, versionedShippingChange } from './versioned-shipping-write.js';
import { cartView, type StoredCart } from './view.js';

type Schemas = CartComponents['schemas'];
type Parcel = { storeId: string; weight: number; items: Array<{ name?: string; weight: number; quantity: number; value: number }> };

/** The shipping service's schema bounds of one parcel. */
const MAX_PARCEL_ITEMS = 100;
const MAX_ITEM_GRAMS = 1_000_000;
/** How many stores' parcels the shipping service quotes in one call (a cart of more stores takes more calls). */
const MAX_STORES_PER_QUOTE = 50;

/**
 * Quotes every store of the cart to one destination in one call to the shipping service, from the
 * cart's own lines weighed with the catalogue's variants (the lookup every cart answer makes anyway),
 * and with `choose: "cheapest"` chooses each store's cheapest option where the store has no choice
 * that still holds (and takes off a choice that no longer holds where there is none to take instead): one priced change of the cart (`writePricedChange`), as `selectShippingOptions`
 * makes it, so a storefront that pre-selects the cheapest rate needs one request instead of a quote
 * and a choice per store.
 */
export async function quoteCartShipping(
  cart: Cart,
  cartId: string,
  shopper: Shopper,
  input: Schemas['CartShippingQuoteInput'],
): Promise<Schemas['CartShippingQuotes']> {
  const { ctx, settings } = cart;
  const read = ownedCart(await loadCart(ctx.db, cartId, settings.tax), shopper);
  requireOpen(read);
  const snapshots = await lookUpVariants(
    ctx,
    read.lines.map((line) => line.variantId),
  );
  const parcels = parcelsOf(read, snapshots);
  const shipped = parcels.filter((parcel) => parcel.items.length > 0);
  // Both reads go out together: the quotes of the parcels and the choices already made.
  const [quoted, holding] = await Promise.all([
    Promise.all(
      chunks(shipped, MAX_STORES_PER_QUOTE).map((parcels) =>
        ctx.clients.shipping.quoteShippingRatesForStores({
          body: { destination: input.destination, currency: read.currency, parcels: parcels.map(({ storeId, items }) => ({ storeId, items })) },
        }),
      ),
    ),
    holdingChoices(ctx, read, snapshots, input.destination.postalCode),
  ]);
  const optionsOf = new Map(quoted.flatMap((answer) => answer.stores).map((store) => [store.storeId, store.options]));
  const picks: ShippingChoice[] = [];
  // Stores whose choice does not hold here and which have nothing to choose instead: the choice
  // goes, so the cart no longer counts shipping it cannot get to this destination.
  const dropped: string[] = [];
  const stores = parcels.map((parcel) => {
    const options = optionsOf.get(parcel.storeId) ?? [];
    let chosenOptionId = holding.get(parcel.storeId) ?? null;
    const cheapest = options[0];
    if (input.choose === 'cheapest' && chosenOptionId === null && cheapest) {
      picks.push({ storeId: parcel.storeId, optionId: cheapest.optionId, amount: cheapest.amount.amount, weight: parcel.weight });
      chosenOptionId = cheapest.optionId;
    } else if (input.choose === 'cheapest' && chosenOptionId === null && hasChoice(read, parcel.storeId)) {
      dropped.push(parcel.storeId);
    }
    return { storeId: parcel.storeId, weight: parcel.weight, options, chosenOptionId };
  });
  if (input.choose === undefined) return { stores, cart: null };
  if (picks.length === 0 && dropped.length === 0) return { stores, cart: cartView(read, snapshots, await adjustmentsOf(ctx, read, snapshots)) };
  const decide = (current: StoredCart) =>
    versionedShippingChange(
      current,
      picks.filter((pick) => hasStore(current, pick.storeId)),
      dropped.filter((storeId) => hasChoice(current, storeId)),
    );
  return { stores, cart: await writePricedChange(cart, { cartId, shopper, read, snapshots, decide }) };
}

/** Whether the cart holds a shipping choice for the store (whether or not it counts). */
function hasChoice(cart: StoredCart, storeId: string): boolean {
  return cart.shipping.some((choice) => choice.storeId === storeId);
}

/**
 * Each store's parcel, stores in the cart's order: one item per line that can be bought now, at
 * the quantity that can be, weighed as the catalogue has the variant (a weightless variant counts a
 * gram, the least a quote takes). A store with nothing to buy now has no items and weighs 0.
 */
export function parcelsOf(cart: StoredCart, snapshots: Map<string, Snapshot>): Parcel[] {
  const parcels = new Map<string, Parcel>();
  for (const line of cart.lines) {
    const snapshot = snapshots.get(line.variantId);
    const storeId = snapshot?.storeId ?? line.storeId;
    let parcel = parcels.get(storeId);
    if (!parcel) {
      parcel = { storeId, weight: 0, items: [] };
      parcels.set(storeId, parcel);
    }
    if (!snapshot?.purchasable || snapshot.price.currency !== cart.currency) continue;
    const quantity = Math.min(line.quantity, snapshot.available);
    if (quantity <= 0) continue;
    const weight = Math.min(Math.max(1, snapshot.weight), MAX_ITEM_GRAMS);
    const name = snapshot.productTitle?.slice(0, 200);
    parcel.items.push({ ...(name ? { name } : {}), weight, quantity, value: snapshot.price.amount });
    parcel.weight += weight * quantity;
  }
  for (const parcel of parcels.values()) {
    // More lines than a parcel lists: priced by weight alone, as one item (no provider prices items one by one).
    if (parcel.items.length > MAX_PARCEL_ITEMS) parcel.items = [{ weight: Math.min(parcel.weight, MAX_ITEM_GRAMS), quantity: 1, value: 0 }];
  }
  return [...parcels.values()];
}

/**
 * The choices that still hold for a destination, by store: the cart counts them (the store's parcel
 * weighs no more than was quoted), and the shipping service still has the quote, unexpired, for this
 * postal code (what a checkout to it accepts). Their quotes are read together, in one statement there.
 */
async function holdingChoices(ctx: CartContext, cart: StoredCart, snapshots: Map<string, Snapshot>, postalCode: string): Promise<Map<string, string>> {
  const counted = applicableShipping(cart, snapshots);
  const quotes = await Promise.all(counted.map((choice) => readQuote(ctx, choice.optionId)));
  const holding = new Map<string, string>();
  counted.forEach((choice, index) => {
    const quote = quotes[index];
    if (quote && samePostalCode(quote.postalCode, postalCode)) holding.set(choice.storeId, choice.optionId);
  });
  return holding;
}

/** Postal codes compare without case or spaces (as the shipping service and checkout compare them). */
function samePostalCode(a: string, b: string): boolean {
  const norm = (code: string) => code.replace(/\s+/g, '').toUpperCase();
  return norm(a) === norm(b);
}

function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

import { isRefusal, isServiceNotDeployed, queryTemplate } from '@tokobapak/server';
import { placementTotal } from './checkout-cart.js';
import type { CheckoutStep } from './checkout-step.js';
import { knownPlacement, type OpenedCheckout } from './checkout-store.js';
import type { OrderDatabase } from './database.js';
import { orderErrors } from './errors.js';
import type { PlacedOrder, Placement } from './placement.js';

type Quote = Awaited<ReturnType<Parameters<CheckoutStep['action']>[0]['clients']['shipping']['getShippingQuote']>>;

/**
 * Step `fix-shipping`: each store's shipping is the option the request names for it, or else the
 * one chosen on the cart, read back from the shipping service: a quote that is unknown, expired,
 * made for another store, currency or destination, or for a lighter parcel is refused, and the
 * amount recorded is the quote's, never the client's. It only rewrites the checkout's own
 * placement (nothing is held), so it has no compensation and simply runs again after a crash.
 */
export const fixShippingStep: CheckoutStep<undefined> = {
  id: 'fix-shipping',
  recovery: 'resume',
  async action(ctx) {
    const placement = await knownPlacement(ctx);
    const asked = ctx.input.shipping ?? [];
    asked.forEach((entry, index) => {
      if (!placement.orders.some((order) => order.storeId === entry.storeId)) {
        throw invalid(`/shipping/${index}/storeId`, `the cart has nothing from store ${entry.storeId}`);
      }
    });
    // Each store's quote is its own read: asked for all stores at once, so the step waits for the
    // slowest, not the sum. The first store's failure is the one answered, as when they ran in turn.
    const settled = await Promise.allSettled(
      placement.orders.map(async (order): Promise<PlacedOrder> => {
        const optionId = asked.find((entry) => entry.storeId === order.storeId)?.optionId ?? order.shipping.optionId;
        if (optionId === null) {
          // Placed without shipping only when the store does not ship this parcel through the shipping service.
          await refuseIfStoreShips(ctx, order, placement);
          return order;
        }
        const quote = await readQuote(ctx, optionId, order.storeId);
        checkQuote(quote, order, placement);
        // A free-shipping promotion took its discount off the cart's option: it never exceeds the shipping charged.
        const shippingDiscount = Math.min(order.shippingDiscount, quote.amount.amount);
        return {
          ...order,
          shippingAmount: quote.amount.amount,
          shippingDiscount,
          total: order.total - (order.shippingAmount - order.shippingDiscount) + (quote.amount.amount - shippingDiscount),
          shipping: { optionId: quote.optionId, provider: quote.provider, service: quote.service, name: quote.name },
        };
      }),
    );
    const orders = settled.map((outcome) => {
      if (outcome.status === 'rejected') throw outcome.reason;
      return outcome.value;
    });
    const fixed: Placement = { ...placement, orders };
    const written = { placement: JSON.stringify(fixed), total: placementTotal(fixed), updated_at: ctx.clock.now() };
    const unwritten = ctx.transient?.unwritten;
    if (ctx.transient) ctx.transient.placement = fixed;
    if (unwritten) {
      // The row `open` left to this step: written once, with the fixed placement. Another run that
      // wrote it meanwhile (it took the process over) is overwritten as the update below would.
      await openedInsert.execute(ctx.db, { ...unwritten, ...written });
      delete ctx.transient?.unwritten;
      return undefined;
    }
    await ctx.db.updateTable('checkouts').set(written).where('id', '=', ctx.input.checkoutId).where('status', '=', 'processing').execute();
    return undefined;
  },
};

/** The checkout row's insert, compiled once (a checkout's every first run writes it). */
const openedInsert = queryTemplate<OrderDatabase, OpenedCheckout, never>({
  name: 'order_checkout_open',
  build: (db, p) => {
    const written = { placement: p.placement, total: p.total, updated_at: p.updated_at };
    return db
      .insertInto('checkouts')
      .values({
        id: p.id,
        customer_id: p.customer_id,
        cart_id: p.cart_id,
        status: p.status,
        currency: p.currency,
        total: written.total,
        shipping_address: p.shipping_address,
        payment_method: p.payment_method,
        placement: written.placement,
        expires_at: p.expires_at,
        created_at: p.created_at,
        updated_at: written.updated_at,
      })
      .onConflict((conflict) => conflict.column('id').doUpdateSet(written).where('checkouts.status', '=', 'processing')) as never;
  },
});

async function readQuote(ctx: Parameters<CheckoutStep['action']>[0], optionId: string, storeId: string): Promise<Quote> {
  try {
    return await ctx.clients.shipping.getShippingQuote({ params: { optionId } });
  } catch (error) {
    // 404 (unknown) and 410 (expired) alike: the customer must ask for rates again.
    if (isRefusal(error)) throw invalid(`/shipping/${storeId}`, `option ${optionId} is unknown or has expired: ask for new rates`);
    if (isServiceNotDeployed(error)) throw error;
    throw shippingDown(storeId, error);
  }
}

// The heaviest parcel the shipping service quotes (its `Grams` maximum).
const MAX_QUOTED_GRAMS = 1_000_000;

/**
 * A store that offers shipping for this parcel to this address (the shipping service quotes it at
 * least one option, or has it set up but cannot quote now) must have one chosen: otherwise its
 * order would be placed and paid without shipping it. A store with no shipping set up, or none to
 * this destination and weight, gets no options and is placed without shipping (it sends the parcel
 * itself, with a tracking number, or hands it over). A deployment without the shipping service
 * (`SERVICE_UNAVAILABLE`) places every store without shipping, as before.
 */
async function refuseIfStoreShips(ctx: Parameters<CheckoutStep['action']>[0], order: PlacedOrder, placement: Placement): Promise<void> {
  const address = placement.shippingAddress;
  const destination = {
    postalCode: address.postalCode,
    countryCode: address.countryCode,
    ...(address.region ? { region: address.region } : {}),
    ...(address.city ? { city: address.city } : {}),
  };
  const weight = Math.min(MAX_QUOTED_GRAMS, Math.max(1, order.parcelWeight ?? 1));
  let offered: number;
  try {
    const quoted = await ctx.clients.shipping.quoteShippingRates({
      body: { storeId: order.storeId, destination, items: [{ weight, quantity: 1 }], currency: placement.currency },
    });
    offered = quoted.options.length;
  } catch (error) {
    // Thrown before any call was made: this deployment has no shipping service.
    if (isServiceNotDeployed(error)) return;
    const code = (error as { problem?: { code?: string } }).problem?.code;
    // Set up, but not quotable now (its carrier did not answer) or not in this currency: it ships, and nothing was chosen.
    if (!isRefusal(error) && code !== 'SHIPPING_CARRIER_UNAVAILABLE') throw shippingDown(order.storeId, error);
    offered = -1;
  }
  if (offered === 0) return;
  throw orderErrors.ORDER_SHIPPING_REQUIRED({
    detail: `Store ${order.storeId} ships this parcel: choose one of its shipping options (selectCartShipping, or the request's \`shipping\`)`,
    errors: [{ pointer: `/shipping/${order.storeId}`, message: 'no shipping option chosen for this store' }],
  });
}

// A restarted shipping process is usually back within seconds.
const SHIPPING_RETRY_AFTER_SECONDS = 5;

/** The shipping service is deployed but did not answer, or failed: nothing is held yet, and a retry may succeed. */
function shippingDown(storeId: string, error: unknown) {
  // An answer's problem (the SDK's error), or the platform's own error when no answer came.
  const problem = (error as { problem?: { code?: string; detail?: string } }).problem;
  const code = problem?.code ?? (error as { code?: string }).code;
  const detail = problem?.detail ?? (error as { details?: { detail?: string } }).details?.detail;
  // The platform's detail says why (refused, timed out after N ms) and never the internal URL.
  const why = detail ? `${code}: ${detail}` : (code ?? 'no answer');
  return orderErrors.ORDER_SHIPPING_UNAVAILABLE({
    detail: `The shipping service could not be asked about store ${storeId}'s shipping (${why}); nothing is held: try again shortly`,
    headers: { 'retry-after': String(SHIPPING_RETRY_AFTER_SECONDS) },
  });
}

function checkQuote(quote: Quote, order: PlacedOrder, placement: Placement): void {
  const pointer = `/shipping/${order.storeId}`;
  if (quote.storeId !== order.storeId) throw invalid(pointer, `option ${quote.optionId} was quoted for another store`);
  if (quote.amount.currency !== placement.currency) throw invalid(pointer, `option ${quote.optionId} is priced in ${quote.amount.currency}`);
  if (quote.postalCode !== placement.shippingAddress.postalCode) {
    throw invalid(pointer, `option ${quote.optionId} was quoted to postal code ${quote.postalCode}, not ${placement.shippingAddress.postalCode}`);
  }
  const weight = order.parcelWeight ?? 0;
  if (quote.weight < weight) throw invalid(pointer, `option ${quote.optionId} was quoted for ${quote.weight} g; the parcel weighs ${weight} g`);
}

function invalid(pointer: string, message: string) {
  return orderErrors.ORDER_SHIPPING_OPTION_INVALID({ detail: `A store's shipping cannot be used: ${message}`, errors: [{ pointer, message }] });
}

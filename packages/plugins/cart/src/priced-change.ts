import type { CartComponents } from '@tokobapak/sdk';
import type { Kysely } from 'kysely';
import { ownedCart, requireOpen, type Shopper } from './access.js';
import type { Cart } from './context.js';
import type { CartDatabase } from './database.js';
import { adjustmentsOf } from './promotions.js';
import { loadCartShared } from './stored-cart.js';
import { lookUpVariantsShared, type Snapshot } from './variants.js';
import type { Adjustments, StoredCart } from './view.js';
import { cartView } from './view.js';

type Schemas = CartComponents['schemas'];

/** A change decided on a cart as read: the cart it would make, and its write while the cart is still at that version. */
export interface VersionedChange {
  wouldBe: StoredCart;
  /** The cart after the change, or undefined when the cart changed since it was read (nothing written). */
  write(db: Kysely<CartDatabase>, now: Date): Promise<StoredCart | undefined>;
}

/** A shopper's change of a cart's lines or coupons. */
export interface ChangeRequest {
  cartId: string;
  shopper: Shopper;
  /** The cart as first read (open, with its version) and the variants of its lines as inventory answered them. */
  read: StoredCart;
  snapshots: Map<string, Snapshot>;
  /** The change decided on a cart as read, or the refusal thrown (it then changes nothing). */
  decide: (current: StoredCart, snapshots: Map<string, Snapshot>) => VersionedChange;
  /** Throws when the pricing of the cart it would make refuses the change (a coupon that does not apply). */
  accept?: (adjustments: Adjustments) => void;
}

/**
 * Makes a shopper's change priced before it is written, so that an answer that cannot be priced
 * changes nothing. On the cart as read: decide the change, ask the promotion service about the
 * cart as it would be after it (a failure there is `CART_PROMOTIONS_UNAVAILABLE` and nothing has
 * been written, so the shopper's retry makes the change once), then write it in one statement only
 * while the cart is still at the version read (see `versioned-line-write.ts`). The answer is the
 * written cart with that pricing: the same calls and statements as pricing after the write, in
 * another order.
 *
 * No transaction is held across the promotion call (the platform refuses service calls inside one,
 * and a remote answer cannot roll back with it). When the write finds the cart changed since the
 * read, another change of this cart committed meanwhile: the cart is read again, and the change
 * decided and priced again on it. Each miss is a change of this one cart that did commit, so the
 * loop ends once the changes competing with it have. A change refused on a cart as read is refused
 * on a committed state of the cart, read after the request came.
 */
export async function writePricedChange(cart: Cart, request: ChangeRequest): Promise<Schemas['Cart']> {
  const { ctx, settings } = cart;
  let current = request.read;
  let snapshots = request.snapshots;
  for (;;) {
    // Without a version nothing could ever be written: a bug, not a competing change.
    if (current.version === undefined) throw new Error(`cart ${current.id} was read without its version`);
    const change = request.decide(current, snapshots);
    const adjustments = await adjustmentsOf(ctx, change.wouldBe, snapshots);
    request.accept?.(adjustments);
    const written = await change.write(ctx.db, ctx.clock.now());
    if (written) {
      // A new line sorts last unless a clock went back; the promotion service breaks ties by order, so then it is asked again.
      const sameOrder = written.lines.every((line, index) => line.id === change.wouldBe.lines[index]?.id);
      return cartView(written, snapshots, sameOrder ? adjustments : await adjustmentsOf(ctx, written, snapshots));
    }
    // Read after the miss, so it holds the change that committed meanwhile (shared with the reads in flight, as the first).
    current = ownedCart(await loadCartShared(ctx.db, request.cartId, settings.tax), request.shopper);
    requireOpen(current);
    snapshots = await withVariantsOf(cart, current, snapshots);
  }
}

/** `known` and the variants of the cart's lines it does not hold yet (another change added them). */
async function withVariantsOf(cart: Cart, stored: StoredCart, known: Map<string, Snapshot>): Promise<Map<string, Snapshot>> {
  const missing = stored.lines.map((line) => line.variantId).filter((id) => !known.has(id));
  if (missing.length === 0) return known;
  return new Map([...known, ...(await lookUpVariantsShared(cart.ctx, missing))]);
}

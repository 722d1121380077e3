import type { CartComponents } from '@tokobapak/sdk';
import type { Kysely } from 'kysely';
import { ownedCart, requireOpen, type Shopper } from './access.js';
import type { Cart } from './context.js';
import type { CartDatabase } from './database.js';
import { cartErrors } from './errors.js';
import { adjustmentsOf } from './promotions.js';
import { loadCartShared } from './stored-cart.js';
import { Turns } from './turns.js';
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
 * decided and priced again on it. A change refused on a cart as read is refused on a committed
 * state of the cart, read after the request came.
 *
 * Each attempt asks the promotion service again, so two rules bound them. Changes of one cart that
 * missed take turns in this process (`retries`): n changes at once then cost about 2n evaluations
 * here, not the n²/2 of all of them trying again together. And a change is tried at most
 * `MAX_ATTEMPTS` times: one that found the cart changed at every attempt (changes through other
 * processes, or a client that never stops changing the cart) is answered `CART_CONFLICT` (409, with
 * `Retry-After`) having written nothing.
 */
export async function writePricedChange(cart: Cart, request: ChangeRequest): Promise<Schemas['Cart']> {
  const done = await attempt(cart, request, request.read, request.snapshots);
  if (done) return done;
  return retries.run(request.cartId, async () => {
    let snapshots = request.snapshots;
    for (let attempts = 1; attempts < MAX_ATTEMPTS; attempts += 1) {
      // Read after the miss (and after the turns before this one), so it holds the changes that committed meanwhile.
      const current = ownedCart(await loadCartShared(cart.ctx.db, request.cartId, cart.settings.tax), request.shopper);
      requireOpen(current);
      snapshots = await withVariantsOf(cart, current, snapshots);
      const written = await attempt(cart, request, current, snapshots);
      if (written) return written;
    }
    throw cartChangedTooOften();
  });
}

/** The change decided, priced and written on `current`; undefined when the cart changed since it was read (nothing written). */
async function attempt(cart: Cart, request: ChangeRequest, current: StoredCart, snapshots: Map<string, Snapshot>): Promise<Schemas['Cart'] | undefined> {
  const { ctx } = cart;
  // Without a version nothing could ever be written: a bug, not a competing change.
  if (current.version === undefined) throw new Error(`cart ${current.id} was read without its version`);
  const change = request.decide(current, snapshots);
  const adjustments = await adjustmentsOf(ctx, change.wouldBe, snapshots);
  request.accept?.(adjustments);
  const written = await change.write(ctx.db, ctx.clock.now());
  if (!written) return undefined;
  // A new line sorts last unless a clock went back; the promotion service breaks ties by order, so then it is asked again.
  const sameOrder = written.lines.every((line, index) => line.id === change.wouldBe.lines[index]?.id);
  return cartView(written, snapshots, sameOrder ? adjustments : await adjustmentsOf(ctx, written, snapshots));
}

/**
 * How many times a change is decided, priced and tried before it gives way. In one process the
 * retries take turns and rarely miss again; what misses at every attempt competes with changes
 * through other processes, or with a client that keeps changing the cart.
 */
export const MAX_ATTEMPTS = 4;

/** Retries of changes, one cart's at a time (cart ids are unique, so one queue serves every server of the process). */
const retries = new Turns();

/** Seconds a client waits before sending a change that met `CART_CONFLICT` again: the changes it met are over by then. */
const CONFLICT_RETRY_AFTER_SECONDS = 1;

function cartChangedTooOften() {
  return cartErrors.CART_CONFLICT({
    detail: `Other changes of this cart were written first at each of ${MAX_ATTEMPTS} attempts; nothing was changed: send the change again`,
    headers: { 'retry-after': String(CONFLICT_RETRY_AFTER_SECONDS) },
  });
}

/** `known` and the variants of the cart's lines it does not hold yet (another change added them). */
async function withVariantsOf(cart: Cart, stored: StoredCart, known: Map<string, Snapshot>): Promise<Map<string, Snapshot>> {
  const missing = stored.lines.map((line) => line.variantId).filter((id) => !known.has(id));
  if (missing.length === 0) return known;
  return new Map([...known, ...(await lookUpVariantsShared(cart.ctx, missing))]);
}

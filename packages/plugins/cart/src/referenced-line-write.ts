import { eventTypes } from '@tokobapak/sdk';
import type { CartContext, Tx } from './context.js';
import type { VersionedChange } from './priced-change.js';
import { type VersionedLineChange, versionedLineChange } from './versioned-line-write.js';
import type { StoredCart } from './view.js';

/** Names a line addition made for another service: the customer's reference adds a line once. */
export interface LineReference {
  customerId: string;
  reference: string;
}

/** The customer used the reference already (another request with it committed first): nothing was written. */
export class ReferenceUsed extends Error {
  constructor() {
    super('the line reference was used already');
  }
}

/** The cart changed since it was read: thrown to roll the reference's claim back with the line that was not written. */
class CartChangedMeanwhile extends Error {}

/**
 * A line change decided on `cart` as read, made for another service under a reference, for
 * `writePricedChange`: like a shopper's line change it is priced before anything is written, then
 * written only while the cart is still at the version read; here in one transaction with the
 * reference's claim and its `cart.line-referenced` event, so all three commit or none does. A
 * reference the customer used already throws {@link ReferenceUsed} (the claim is first, and of two
 * requests with one reference the second waits at the unique index for the first to end); a cart
 * that changed since the read rolls back the claim and answers undefined, so the change is decided
 * and priced again on the cart as it is.
 */
export function referencedLineChange(ctx: CartContext, cart: StoredCart, change: VersionedLineChange, once: LineReference): VersionedChange {
  const line = versionedLineChange(cart, change);
  return {
    wouldBe: line.wouldBe,
    async write(_db, now) {
      try {
        return await ctx.transaction(async (tx) => {
          if (!(await claimReference(tx, cart.id, once, now))) throw new ReferenceUsed();
          const written = await line.write(tx.db, now);
          if (!written) throw new CartChangedMeanwhile();
          return written;
        });
      } catch (error) {
        if (error instanceof CartChangedMeanwhile) return undefined;
        throw error;
      }
    },
  };
}

/**
 * Stores the reference with the change it names, and tells the service that asked (its request may
 * die before it sees the answer: the wishlist then still drops the moved wish); false when the
 * customer has used the reference already.
 */
async function claimReference(tx: Tx, cartId: string, once: LineReference, now: Date): Promise<boolean> {
  const claimed = await tx.db
    .insertInto('line_references')
    .values({ customer_id: once.customerId, reference: once.reference, cart_id: cartId, created_at: now })
    .onConflict((conflict) => conflict.columns(['customer_id', 'reference']).doNothing())
    .returning('reference')
    .executeTakeFirst();
  if (claimed === undefined) return false;
  await tx.publish({
    type: eventTypes.cart.lineReferenced,
    subject: once.customerId,
    data: { customerId: once.customerId, reference: once.reference, cartId },
  });
  return true;
}

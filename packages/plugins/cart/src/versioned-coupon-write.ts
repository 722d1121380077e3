import type { VersionedChange } from './priced-change.js';
import { atVersion } from './versioned-line-write.js';
import type { StoredCart } from './view.js';

/**
 * The cart's coupon codes set to `codes`, decided on `cart` as read: one statement that writes them
 * (and stamps the cart) only while the row is still at the version read, for `writePricedChange`.
 */
export function versionedCodesChange(cart: StoredCart, codes: string[]): VersionedChange {
  const { version, ...unversioned } = cart;
  const wouldBe: StoredCart = { ...unversioned, couponCodes: codes };
  return {
    wouldBe,
    async write(db, now) {
      if (version === undefined) return undefined;
      const row = await db
        .updateTable('carts')
        .set({ coupon_codes: JSON.stringify(codes), updated_at: now })
        .where('carts.id', '=', cart.id)
        .where(atVersion(version))
        .returning('carts.id')
        .executeTakeFirst();
      return row ? { ...wouldBe, updatedAt: now.toISOString() } : undefined;
    },
  };
}

import type { Kysely } from 'kysely';
import type { CartDatabase } from './database.js';
import type { CartSettings } from './options.js';

/**
 * Closes open carts nobody touched for their time to live (guest and customer carts have their
 * own): they become `expired` and no longer change; a customer's next `createCart` opens a new
 * one. Returns how many carts expired.
 */
export async function expireIdleCarts(db: Kysely<CartDatabase>, settings: CartSettings, now: Date): Promise<number> {
  const guestBefore = new Date(now.getTime() - settings.guestCartTtlMs);
  const customerBefore = new Date(now.getTime() - settings.customerCartTtlMs);
  const result = await db
    .updateTable('carts')
    .set({ status: 'expired', updated_at: now })
    .where('status', '=', 'open')
    .where((eb) =>
      eb.or([
        eb.and([eb('customer_id', 'is', null), eb('updated_at', '<', guestBefore)]),
        eb.and([eb('customer_id', 'is not', null), eb('updated_at', '<', customerBefore)]),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

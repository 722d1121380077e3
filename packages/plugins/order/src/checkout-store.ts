import type { Kysely } from 'kysely';
import type { CheckoutStatus, OrderDatabase } from './database.js';
import type { Placement } from './placement.js';

type Db = Kysely<OrderDatabase>;

/** The checkout row as the processes read it. */
export async function readCheckout(db: Db, checkoutId: string) {
  return db.selectFrom('checkouts').selectAll().where('id', '=', checkoutId).executeTakeFirst();
}

/** The checkout row, which must exist (a step after `open`). */
export async function requireCheckout(db: Db, checkoutId: string) {
  const row = await readCheckout(db, checkoutId);
  if (!row) throw new Error(`checkout ${checkoutId} has no row`);
  return row;
}

/** The placement fixed when the checkout opened. */
export async function placementOf(db: Db, checkoutId: string): Promise<Placement> {
  const row = await requireCheckout(db, checkoutId);
  if (!row.placement) throw new Error(`checkout ${checkoutId} has no placement`);
  return row.placement;
}

/** Statuses a checkout ends in when it is given up; its holdings are then released. */
export const GIVEN_UP: CheckoutStatus[] = ['failed', 'expired', 'cancelled'];

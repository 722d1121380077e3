import { openDatabase } from '@tokobapak/server';
import { type Kysely, sql } from 'kysely';
import { expect } from 'vitest';

/** What a store's tables hold for one customer buying one variant, read after the store stopped. */
export interface CrashAudit {
  variant: { onHand: number; reserved: number };
  reservations: Array<{ reference: string; status: string; quantity: number }>;
  payments: Array<{ reference: string; status: string }>;
  checkouts: Array<{ id: string; status: string; settled: boolean; released: boolean }>;
  orders: Array<{ checkoutId: string; status: string }>;
  /** The promotion's redemptions (by checkout) and the uses it counts against its limit. */
  redemptions: Array<{ reference: string; status: string }>;
  promotionUses: number;
}

/**
 * Reads the store's data straight from its tables (no API shows reservations, nor every payment of a
 * customer). On PGlite the data folder is opened once the store process has let go of it.
 */
export async function auditStore(
  where: { url?: string; dataDir?: string },
  who: { customerId: string; variantId: string; promotionId: string },
): Promise<CrashAudit> {
  const database = await openDatabase(where.url ? { url: where.url, poolSize: 1 } : { dataDir: where.dataDir });
  try {
    return await readAudit(database.db, who);
  } finally {
    await database.close();
  }
}

async function readAudit(
  db: Kysely<unknown>,
  { customerId, variantId, promotionId }: { customerId: string; variantId: string; promotionId: string },
): Promise<CrashAudit> {
  const variant = await sql<{ stock_on_hand: number; reserved: number }>`
    select stock_on_hand, reserved from inventory.variants where id = ${variantId}`.execute(db);
  const reservations = await sql<{ reference: string; status: string; quantity: number }>`
    select r.reference, r.status, i.quantity from inventory.reservations r join inventory.reservation_items i on i.reservation_id = r.id
    where i.variant_id = ${variantId} order by r.reference`.execute(db);
  const payments = await sql<{ reference: string; status: string }>`
    select reference, status from payment.payments where customer_id = ${customerId} order by reference`.execute(db);
  const checkouts = await sql<{ id: string; status: string; settled: boolean; released: boolean }>`
    select id, status, settled_at is not null as settled, released_at is not null as released
    from "order".checkouts where customer_id = ${customerId} order by id`.execute(db);
  const orders = await sql<{ checkout_id: string; status: string }>`
    select checkout_id, status from "order".orders where customer_id = ${customerId} order by checkout_id`.execute(db);
  const redemptions = await sql<{ reference: string; status: string }>`
    select r.reference, r.status from promotion.redemptions r join promotion.redemption_items i on i.redemption_id = r.id
    where i.promotion_id = ${promotionId} order by r.reference`.execute(db);
  const promotion = await sql<{ used_count: number }>`select used_count from promotion.promotions where id = ${promotionId}`.execute(db);
  const row = variant.rows[0];
  if (!row) throw new Error(`no variant ${variantId}`);
  return {
    variant: { onHand: Number(row.stock_on_hand), reserved: Number(row.reserved) },
    reservations: reservations.rows.map((reservation) => ({ ...reservation, quantity: Number(reservation.quantity) })),
    payments: payments.rows,
    checkouts: checkouts.rows,
    orders: orders.rows.map((order) => ({ checkoutId: order.checkout_id, status: order.status })),
    redemptions: redemptions.rows,
    promotionUses: Number(promotion.rows[0]?.used_count),
  };
}

/** What each checkout state must have left in the other services once nothing is in flight. */
const AGREES: Record<string, { payment: string[]; reservation: string[]; redemption: string[]; orders: string[] }> = {
  // Placed and waiting: the payment open, the stock and the coupon use held, the orders waiting for it.
  awaiting_payment: { payment: ['pending'], reservation: ['active'], redemption: ['active'], orders: ['pending_payment'] },
  // Settled: paid, the stock taken off the shelf, the coupon used, the orders paid.
  paid: { payment: ['paid'], reservation: ['committed'], redemption: ['committed'], orders: ['paid'] },
  // Undone or given up: nothing open (no payment, a cancelled one, or one paid before the undo and refunded in full; the stock and the coupon use back, no live order).
  failed: {
    payment: ['none', 'cancelled', 'failed', 'expired', 'refunded'],
    reservation: ['none', 'released', 'expired'],
    redemption: ['none', 'released', 'expired'],
    orders: ['cancelled'],
  },
  expired: {
    payment: ['none', 'cancelled', 'expired'],
    reservation: ['none', 'released', 'expired'],
    redemption: ['none', 'released', 'expired'],
    orders: ['cancelled'],
  },
  cancelled: { payment: ['none', 'cancelled'], reservation: ['none', 'released'], redemption: ['none', 'released'], orders: ['cancelled'] },
};

/**
 * Asserts the audit adds up: the stock the variant started with is on hand plus what was sold,
 * what is reserved is what active reservations hold, the promotion counts its held and used
 * redemptions, and every checkout's payment, reservation and
 * orders agree with its state (no checkout left half-done, no payment or reservation without one).
 */
export function expectConsistent(audit: CrashAudit, initialStock: number): void {
  const sum = (status: string) => audit.reservations.filter((r) => r.status === status).reduce((total, r) => total + r.quantity, 0);
  expect(audit.variant.onHand + sum('committed')).toBe(initialStock);
  expect(audit.variant.reserved).toBe(sum('active'));
  const checkoutIds = new Set(audit.checkouts.map((checkout) => checkout.id));
  for (const payment of audit.payments) expect(checkoutIds).toContain(payment.reference);
  for (const reservation of audit.reservations) expect(checkoutIds).toContain(reservation.reference);
  // Every redemption belongs to a checkout, and the promotion counts exactly the uses held or made.
  for (const redemption of audit.redemptions) expect(checkoutIds).toContain(redemption.reference);
  expect(audit.promotionUses).toBe(audit.redemptions.filter((r) => r.status === 'active' || r.status === 'committed').length);
  for (const checkout of audit.checkouts) {
    const agrees = AGREES[checkout.status];
    expect(agrees, `checkout ${checkout.id} is left ${checkout.status}`).toBeDefined();
    if (!agrees) continue;
    const payment = audit.payments.filter((p) => p.reference === checkout.id).map((p) => p.status);
    const reservation = audit.reservations.filter((r) => r.reference === checkout.id).map((r) => r.status);
    const orders = audit.orders.filter((o) => o.checkoutId === checkout.id).map((o) => o.status);
    expect(agrees.payment, `payment of ${checkout.status} checkout`).toContain(payment[0] ?? 'none');
    expect(payment.length).toBeLessThanOrEqual(1);
    expect(agrees.reservation, `reservation of ${checkout.status} checkout`).toContain(reservation[0] ?? 'none');
    const redemption = audit.redemptions.filter((r) => r.reference === checkout.id).map((r) => r.status);
    expect(redemption.length).toBeLessThanOrEqual(1);
    expect(agrees.redemption, `coupon redemption of ${checkout.status} checkout`).toContain(redemption[0] ?? 'none');
    // A checkout that got as far as its orders had its coupon use reserved.
    if (checkout.status === 'paid' || checkout.status === 'awaiting_payment') expect(redemption).toHaveLength(1);
    for (const status of orders) expect(agrees.orders, `order of ${checkout.status} checkout`).toContain(status);
    if (checkout.status === 'paid' || checkout.status === 'awaiting_payment') expect(orders.length).toBeGreaterThan(0);
    if (checkout.status === 'paid') expect(checkout.settled).toBe(true);
    if (checkout.status !== 'paid' && checkout.status !== 'awaiting_payment') expect(checkout.released).toBe(true);
  }
}

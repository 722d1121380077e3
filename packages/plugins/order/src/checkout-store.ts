import type { OrderComponents } from '@tokobapak/sdk';
import type { Kysely, Selectable } from 'kysely';
import type { CheckoutJson } from './checkout-read.js';
import type { OrderDatabase } from './database.js';
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

/** The checkout row `open` makes (`status` processing), every column a value. */
export interface OpenedCheckout {
  id: string;
  customer_id: string;
  cart_id: string;
  status: 'processing';
  currency: string;
  total: number;
  /** JSON text, as are `payment_method` and `placement`. */
  shipping_address: string;
  payment_method: string;
  placement: string;
  expires_at: Date;
  created_at: Date;
  updated_at: Date;
}

/**
 * What one run of a checkout process knows of its checkout row, so that its later steps need not
 * read it again: given to `start` as the run's transient values. A run resumed after a crash (or
 * by another server) starts without it and reads the row.
 */
export interface CheckoutMemo {
  placement?: Placement;
  /**
   * The checkout row as `open` made it, not yet written: `fix-shipping` writes it with the placement
   * it fixes (one insert rather than an insert and an update), or, when the checkout is undone
   * before that, `open`'s compensation writes it as failed. A run without a memo (resumed) has
   * `open` write it, as before.
   */
  unwritten?: OpenedCheckout;
  /** The checkout as `place-orders` wrote it (what a read right after would give), for the answer to the request. */
  answer?: CheckoutJson;
}

/** The checkout's placement: the run's own copy, else read (and kept for the next step). */
export async function knownPlacement(ctx: { db: Db; input: { checkoutId: string }; transient: CheckoutMemo | undefined }): Promise<Placement> {
  const memo = ctx.transient;
  if (memo?.placement) return memo.placement;
  const placement = await placementOf(ctx.db, ctx.input.checkoutId);
  if (memo) memo.placement = placement;
  return placement;
}

/** The checkout columns its settling and releasing read. */
export const SETTLEMENT_COLUMNS = [
  'id',
  'status',
  'attempts',
  'cart_id',
  'reservation_id',
  'redemption_id',
  'payment_id',
  'payment_status',
  'failure_message',
  'settled_at',
  'released_at',
] as const;
export type SettlementView = Pick<Selectable<OrderDatabase['checkouts']>, (typeof SETTLEMENT_COLUMNS)[number]>;

/**
 * The checkout as whoever starts a settling or releasing run read it just before (its transient
 * values): what the steps use of it (the cart, the reservation, the redemption, the payment) was
 * fixed when the orders were placed. A run resumed after a crash reads the row.
 */
export interface SettlementMemo {
  checkout?: SettlementView;
  /** The checkout as its settling left it, when a read waiting for it asked (see `confirmOrders`). */
  settled?: OrderComponents['schemas']['Checkout'];
}

/** The decided checkout a settling or releasing step works on. */
export async function settlingCheckout(ctx: { db: Db; input: { checkoutId: string }; transient: SettlementMemo | undefined }): Promise<SettlementView> {
  return ctx.transient?.checkout ?? requireCheckout(ctx.db, ctx.input.checkoutId);
}

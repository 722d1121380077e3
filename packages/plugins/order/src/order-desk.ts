import type { OrderComponents } from '@tokobapak/sdk';
import { eventTypes } from '@tokobapak/sdk';
import type { HandlerContext, TxContext } from '@tokobapak/server';
import type { Actor, OrderDatabase, OrderStatus } from './database.js';
import { orderErrors } from './errors.js';
import type { OrderEvents } from './generated/manifest.js';
import type { OrderRow } from './mappers.js';
import { getOrder, type OrderOwner } from './order-reads.js';
import { moveOrders, type StatusChange } from './status-change.js';

type Schemas = OrderComponents['schemas'];
export type Tx = TxContext<OrderDatabase, OrderEvents>;
/**
 * A process step's transaction with the plugin's event types: steps get the untyped context of the
 * runtime, but publish only what the spec declares (the outbox checks the type anyway).
 */
export function typed(tx: TxContext<OrderDatabase>): Tx {
  return tx as unknown as Tx;
}
export type OrderContext = Pick<HandlerContext<OrderDatabase, OrderEvents>, 'db' | 'transaction' | 'clock'>;

/** Locks one of the store's orders for a change; another store's is a 404, like a missing one. */
export async function lockStoreOrder(tx: Tx, storeId: string, orderId: string): Promise<OrderRow> {
  return lockOwnedOrder(tx, { storeId }, orderId);
}

/** Locks one of the owner's (a store's or a customer's) orders for a change; another owner's is a 404. */
export async function lockOwnedOrder(tx: Tx, owner: OrderOwner, orderId: string): Promise<OrderRow> {
  let select = tx.db.selectFrom('orders').selectAll().where('id', '=', orderId);
  select = 'storeId' in owner ? select.where('store_id', '=', owner.storeId) : select.where('customer_id', '=', owner.customerId);
  const row = await select.forUpdate().executeTakeFirst();
  if (!row) throw orderErrors.ORDER_NOT_FOUND();
  return row;
}

/** Moves a locked order to `status` and records the change in its history (and sets `also`, in the same statement). */
export async function recordStatus(
  tx: Tx,
  orderId: string,
  status: OrderStatus,
  by: Actor,
  note: string | null,
  now: Date,
  also?: StatusChange['set'],
): Promise<void> {
  await moveOrders(tx, { orderIds: [orderId] }, { status, by, note, now, ...(also ? { set: also } : {}) });
}

function refuseTransition(order: OrderRow, wanted: OrderStatus): never {
  throw orderErrors.ORDER_INVALID_TRANSITION({ detail: `The order is ${order.status}; it cannot become ${wanted}` });
}

/** A paid order becomes accepted; accepting again changes nothing. */
export async function acceptOrder(ctx: OrderContext, storeId: string, orderId: string, note: string | null): Promise<Schemas['Order']> {
  const now = ctx.clock.now();
  await ctx.transaction(async (tx) => {
    const order = await lockStoreOrder(tx, storeId, orderId);
    if (order.status === 'accepted') return;
    if (order.status !== 'paid') refuseTransition(order, 'accepted');
    await recordStatus(tx, orderId, 'accepted', 'store', note, now);
  });
  return getOrder(ctx.db, { storeId }, orderId);
}

/** The fee on what the store keeps of the order, rounded down to the minor unit. */
export function platformFeeOf(total: number, refunded: number, basisPoints: number): number {
  return Math.floor(((total - refunded) * basisPoints) / 10_000);
}

/** An accepted or shipped order completes: its fee is fixed and `order.completed` published, once. */
export function completeOrder(ctx: OrderContext, storeId: string, orderId: string, note: string | null): Promise<Schemas['Order']> {
  return completeOwned(ctx, { storeId }, 'store', ['accepted', 'shipped'], orderId, note);
}

/** The customer says a shipped order arrived: it completes (`by: customer`); saying so again changes nothing. */
export function confirmReceived(ctx: OrderContext, customerId: string, orderId: string, note: string | null): Promise<Schemas['Order']> {
  return completeOwned(ctx, { customerId }, 'customer', ['shipped'], orderId, note);
}

/** Completes one of the owner's orders when it is in one of `from`; a completed one is answered as it is. */
async function completeOwned(
  ctx: OrderContext,
  owner: OrderOwner,
  by: Actor,
  from: readonly OrderStatus[],
  orderId: string,
  note: string | null,
): Promise<Schemas['Order']> {
  const now = ctx.clock.now();
  await ctx.transaction(async (tx) => {
    const order = await lockOwnedOrder(tx, owner, orderId);
    if (order.status === 'completed') return;
    if (!from.includes(order.status)) refuseTransition(order, 'completed');
    await completeLocked(tx, order, by, note, now);
  });
  return getOrder(ctx.db, owner, orderId);
}

/**
 * Completes an order locked by the caller: fixes its fee on what was kept and publishes
 * `order.completed`. The store's `completeOrder`, the customer's word, a delivered shipment and the
 * shipped deadline all end here.
 */
export async function completeLocked(tx: Tx, order: OrderRow, by: Actor, note: string | null, now: Date): Promise<void> {
  // The fee is on what the store keeps, which a refund still being made may yet change.
  const pending = await tx.db.selectFrom('order_refunds').select('id').where('order_id', '=', order.id).where('status', '=', 'pending').executeTakeFirst();
  if (pending) throw orderErrors.ORDER_REFUND_PENDING({ detail: `Refund ${pending.id} is still being made` });
  const total = Number(order.total);
  const refunded = Number(order.refunded);
  const fee = platformFeeOf(total, refunded, order.platform_fee_bps);
  await recordStatus(tx, order.id, 'completed', by, note, now, { platform_fee: fee });
  const money = (amount: number) => ({ amount, currency: order.currency });
  await tx.publish({
    type: eventTypes.order.completed,
    subject: order.id,
    data: {
      orderId: order.id,
      storeId: order.store_id,
      customerId: order.customer_id,
      total: money(total),
      refunded: money(refunded),
      platformFee: money(fee),
      platformFeeBasisPoints: order.platform_fee_bps,
    },
  });
}

import type { OrderComponents, TokoBapakClient } from '@tokobapak/sdk';
import type { HandlerContext } from '@tokobapak/server';
import type { OrderDatabase } from './database.js';
import { orderErrors } from './errors.js';
import type { OrderEvents } from './generated/manifest.js';
import type { LineRow, OrderRow } from './mappers.js';
import { lockStoreOrder, recordStatus } from './order-desk.js';
import { getOrder } from './order-reads.js';

type Schemas = OrderComponents['schemas'];
type ShipContext = Pick<HandlerContext<OrderDatabase, OrderEvents>, 'db' | 'transaction' | 'clock' | 'clients'>;
/** What the store says when it ships (the spec's `ShipOrderInput`). */
export type ShipInput = Schemas['ShipOrderInput'];

// A variant the catalogue no longer shows still leaves in the parcel; counting it at one gram keeps
// the parcel within what was quoted, and the carrier weighs it anyway.
const UNKNOWN_WEIGHT_GRAMS = 1;

/**
 * An accepted order leaves: with the quote chosen at checkout the shipping service books the
 * parcel (idempotent per order id, so a retry or a concurrent call books it once); without one the
 * store gives the tracking number itself. The booking happens outside any transaction (services are
 * never called inside one); the order then moves to `shipped` under its row lock, once.
 */
export async function shipOrder(ctx: ShipContext, storeId: string, orderId: string, input: ShipInput): Promise<Schemas['Order']> {
  const order = await ctx.db.selectFrom('orders').selectAll().where('id', '=', orderId).where('store_id', '=', storeId).executeTakeFirst();
  if (!order) throw orderErrors.ORDER_NOT_FOUND();
  if (order.status === 'shipped') return getOrder(ctx.db, { storeId }, orderId);
  if (order.status !== 'accepted') throw orderErrors.ORDER_NOT_SHIPPABLE({ detail: `The order is ${order.status}; only an accepted order ships` });
  const lines = await ctx.db.selectFrom('order_lines').selectAll().where('order_id', '=', orderId).orderBy('position').execute();
  const left = lines.filter((line) => line.quantity > line.refunded_quantity);
  if (left.length === 0) throw orderErrors.ORDER_NOT_SHIPPABLE({ detail: 'Every line of the order was cancelled' });

  let sent: { shipmentId: string | null; trackingNumber: string | null; carrier: string | null };
  if (order.shipping.optionId) {
    if (input.carrier !== undefined || input.trackingNumber !== undefined) throw orderErrors.ORDER_SHIPMENT_BOOKED();
    const shipment = await bookShipment(ctx.clients, order, order.shipping.optionId, left);
    sent = { shipmentId: shipment.id, trackingNumber: shipment.trackingNumber, carrier: null };
  } else {
    if (input.trackingNumber === undefined) throw orderErrors.ORDER_TRACKING_REQUIRED();
    sent = { shipmentId: null, trackingNumber: input.trackingNumber, carrier: input.carrier ?? null };
  }

  const now = ctx.clock.now();
  await ctx.transaction(async (tx) => {
    const locked = await lockStoreOrder(tx, storeId, orderId);
    if (locked.status === 'shipped') return;
    // Cancelled while the parcel was being booked: the shipment stays with the shipping service.
    if (locked.status !== 'accepted') throw orderErrors.ORDER_NOT_SHIPPABLE({ detail: `The order became ${locked.status} meanwhile` });
    await tx.db
      .updateTable('orders')
      .set({ shipment_id: sent.shipmentId, tracking_number: sent.trackingNumber, carrier: sent.carrier })
      .where('id', '=', orderId)
      .execute();
    await recordStatus(tx, orderId, 'shipped', 'store', input.note ?? null, now);
  });
  return getOrder(ctx.db, { storeId }, orderId);
}

/** Books the parcel of what is left of the order's lines with the shipping service. */
async function bookShipment(clients: TokoBapakClient, order: OrderRow, optionId: string, lines: LineRow[]) {
  const weights = await weightsOf(clients, lines);
  const address = order.shipping_address;
  return clients.shipping.createShipment({
    body: {
      reference: order.id,
      storeId: order.store_id,
      optionId,
      customerId: order.customer_id,
      destination: {
        postalCode: address.postalCode,
        countryCode: address.countryCode,
        region: address.region,
        city: address.city,
        recipientName: address.recipientName,
        phone: address.phone,
        line1: address.line1,
        ...(address.line2 ? { line2: address.line2 } : {}),
      },
      items: lines.slice(0, 100).map((line) => ({
        name: line.product_title.slice(0, 200),
        weight: weights.get(line.variant_id) ?? UNKNOWN_WEIGHT_GRAMS,
        quantity: Math.min(line.quantity - line.refunded_quantity, 10_000),
        value: Number(line.unit_price),
      })),
    },
  });
}

/** The weight in grams of each variant of the lines, as the catalogue has it now. */
async function weightsOf(clients: TokoBapakClient, lines: LineRow[]): Promise<Map<string, number>> {
  const ids = [...new Set(lines.map((line) => line.variant_id))].slice(0, 100);
  const found = await clients.inventory.getVariants({ body: { ids } });
  return new Map(found.items.map((variant) => [variant.variantId, variant.weight]));
}

import { eventTypes } from '@tokobapak/sdk';
import { eventSubscriber } from '@tokobapak/server';
import type { OrderDatabase } from './database.js';
import type { OrderEvents } from './generated/manifest.js';
import { completeLocked } from './order-desk.js';

const subscribe = eventSubscriber<OrderDatabase, OrderEvents>();

/**
 * The shipping service's news about an order's parcel: a tracking number issued later (a carrier's
 * waybill) is copied onto the order, and a delivered parcel completes a shipped order (`by:
 * system`), while one returned or cancelled by the carrier is marked on the order, which the
 * shipped deadline then leaves to the store. The shipping service only moves a shipment forward,
 * so a replayed event finds the order completed (or marked) already and changes nothing.
 */
export const trackShipments = subscribe({
  name: 'track-shipments',
  types: [eventTypes.shipping.shipmentUpdated],
  async handle(event, tx) {
    const { reference: orderId, shipmentId, trackingNumber, status } = event.data;
    if (!orderId.startsWith('ord_')) return;
    const order = await tx.db.selectFrom('orders').selectAll().where('id', '=', orderId).where('shipment_id', '=', shipmentId).forUpdate().executeTakeFirst();
    // A shipment the order has not recorded yet (its booking is still answering): shipOrder records it.
    if (!order) return;
    const now = new Date(event.time);
    if (trackingNumber && trackingNumber !== order.tracking_number) {
      await tx.db.updateTable('orders').set({ tracking_number: trackingNumber, updated_at: now }).where('id', '=', orderId).execute();
    }
    if (status === 'delivered' && order.status === 'shipped') {
      await completeLocked(tx, order, 'system', `Delivered (shipment ${shipmentId})`, now);
    }
    // The parcel did not reach the customer: the store decides (cancel and refund), not the shipped deadline.
    if ((status === 'returned' || status === 'cancelled') && order.status === 'shipped' && order.parcel_returned_at === null) {
      await tx.db.updateTable('orders').set({ parcel_returned_at: now, updated_at: now }).where('id', '=', orderId).execute();
    }
  },
});

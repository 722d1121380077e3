import type { ShippingComponents } from '@tokobapak/sdk';
import type { Selectable } from 'kysely';
import type { ShippingDatabase } from './database.js';

type Schemas = ShippingComponents['schemas'];
/** A shipment row. */
export type ShipmentRow = Selectable<ShippingDatabase['shipments']>;
/** A status history row. */
export type HistoryRow = Selectable<ShippingDatabase['shipment_history']>;

/** A shipment as the API shows it, with its history oldest first. */
export function toShipment(row: ShipmentRow, history: HistoryRow[]): Schemas['Shipment'] {
  return {
    id: row.id,
    reference: row.reference,
    storeId: row.store_id,
    customerId: row.customer_id,
    optionId: row.quote_id,
    provider: row.provider,
    service: row.service,
    name: row.name,
    amount: { amount: Number(row.amount), currency: row.currency },
    status: row.status,
    trackingNumber: row.tracking_number,
    trackingUrl: row.tracking_url,
    destination: row.destination,
    weight: Number(row.weight),
    history: history.map((entry) => ({ status: entry.status, note: entry.note, source: entry.source, at: entry.at.toISOString() })),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The `shipping.shipment-updated` payload of a shipment as it now is. */
export function shipmentUpdated(row: ShipmentRow, previousStatus: ShipmentRow['status'] | null, at: Date): Schemas['ShipmentUpdatedEvent'] {
  return {
    shipmentId: row.id,
    reference: row.reference,
    storeId: row.store_id,
    customerId: row.customer_id,
    status: row.status,
    previousStatus,
    trackingNumber: row.tracking_number,
    provider: row.provider,
    occurredAt: at.toISOString(),
  };
}

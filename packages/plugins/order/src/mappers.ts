import type { OrderComponents } from '@tokobapak/sdk';
import type { Selectable } from 'kysely';
import type { OrderDatabase } from './database.js';

type Schemas = OrderComponents['schemas'];
export type OrderRow = Selectable<OrderDatabase['orders']>;
export type LineRow = Selectable<OrderDatabase['order_lines']>;
export type HistoryRow = Selectable<OrderDatabase['order_status_history']>;
/** A refund's columns the API shows (not the request it answers, which only a retry of it compares). */
export const REFUND_COLUMNS = ['id', 'status', 'amount', 'shipping', 'lines', 'reason', 'actor', 'restock', 'created_at', 'updated_at'] as const;
export type RefundView = Pick<Selectable<OrderDatabase['order_refunds']>, (typeof REFUND_COLUMNS)[number]>;
export type CheckoutRow = Selectable<OrderDatabase['checkouts']>;
/** The checkout columns the API shows. */
export type CheckoutView = Pick<
  CheckoutRow,
  | 'id'
  | 'customer_id'
  | 'cart_id'
  | 'status'
  | 'currency'
  | 'total'
  | 'payment_id'
  | 'payment_status'
  | 'payment_instructions'
  | 'payment_expires_at'
  | 'failure_code'
  | 'failure_message'
  | 'expires_at'
  | 'created_at'
  | 'updated_at'
>;

const money = (amount: number | string, currency: string): Schemas['Money'] => ({ amount: Number(amount), currency });

/** An order as the API shows it, from its row, its lines, its history and its refunds (oldest first each). */
export function toOrder(row: OrderRow, lines: LineRow[], history: HistoryRow[], refunds: RefundView[]): Schemas['Order'] {
  const m = (amount: number | string) => money(amount, row.currency);
  return {
    id: row.id,
    checkoutId: row.checkout_id,
    storeId: row.store_id,
    customerId: row.customer_id,
    status: row.status,
    lines: lines.map((line) => ({
      id: line.id,
      variantId: line.variant_id,
      productId: line.product_id,
      productTitle: line.product_title,
      variantTitle: line.variant_title,
      sku: line.sku,
      quantity: line.quantity,
      unitPrice: m(line.unit_price),
      subtotal: m(line.subtotal),
      discount: m(line.discount),
      discountAllocations: line.discount_allocations,
      tax: m(line.tax),
      total: m(line.total),
      refundedQuantity: line.refunded_quantity,
      refundedAmount: m(line.refunded_amount),
    })),
    totals: {
      subtotal: m(row.subtotal),
      discount: m(row.discount),
      shipping: m(row.shipping_amount),
      shippingDiscount: m(row.shipping_discount),
      tax: m(row.tax),
      total: m(row.total),
      refunded: m(row.refunded),
    },
    shipping: {
      optionId: row.shipping.optionId,
      provider: row.shipping.provider,
      service: row.shipping.service,
      name: row.shipping.name,
      amount: m(row.shipping_amount),
      discount: m(row.shipping_discount),
      shipmentId: row.shipment_id,
      trackingNumber: row.tracking_number,
      carrier: row.carrier,
    },
    shippingAddress: { ...row.shipping_address, line2: row.shipping_address.line2 ?? null },
    platformFeeBasisPoints: row.platform_fee_bps,
    platformFee: row.platform_fee === null ? null : m(row.platform_fee),
    history: history.map((entry) => ({ status: entry.status, at: entry.at.toISOString(), by: entry.actor, note: entry.note })),
    refunds: refunds.map((refund) => ({
      id: refund.id,
      status: refund.status,
      amount: m(refund.amount),
      shipping: m(refund.shipping),
      lines: refund.lines.map((line) => ({ lineId: line.lineId, quantity: line.quantity, amount: m(line.amount) })),
      reason: refund.reason,
      by: refund.actor,
      restocked: refund.restock,
      createdAt: refund.created_at.toISOString(),
      // A refund not changed since it was counted was last updated then.
      updatedAt: (refund.updated_at ?? refund.created_at).toISOString(),
    })),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** A checkout as the API shows it, with its orders. */
export function toCheckout(row: CheckoutView, orders: Schemas['Order'][]): Schemas['Checkout'] {
  return {
    id: row.id,
    status: row.status,
    customerId: row.customer_id,
    cartId: row.cart_id,
    total: money(row.total, row.currency),
    orders,
    payment:
      row.payment_id === null
        ? null
        : {
            id: row.payment_id,
            status: row.payment_status ?? 'pending',
            amount: money(row.total, row.currency),
            instructions: (row.payment_instructions as Record<string, unknown> | null) ?? null,
            expiresAt: row.payment_expires_at?.toISOString() ?? null,
          },
    failure: row.failure_message === null ? null : { code: row.failure_code, message: row.failure_message },
    expiresAt: row.expires_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

import { Box, Text } from 'ink';
import type { Order } from '../services/orders-actions.js';
import type { Column } from './columns.js';
import type { Presentation } from './output.js';
import { textTable } from './plain-text.js';
import { Table } from './Table.js';

// `tokobapak orders`: a table for `list`, the order with its lines (and their ids) and history for `show`, one line for a change.

const money = (value: { amount: number; currency: string }) => `${value.currency} ${value.amount}`;

const orderColumns: Array<Column<Order>> = [
  { title: 'ID', value: (order) => order.id },
  { title: 'STATUS', value: (order) => order.status, color: (order) => (order.status === 'cancelled' ? 'red' : order.status === 'paid' ? 'yellow' : 'green') },
  { title: 'TOTAL', value: (order) => money(order.totals.total), alignRight: true },
  { title: 'LINES', value: (order) => String(order.lines.length), alignRight: true },
  { title: 'CUSTOMER', value: (order) => order.customerId },
  { title: 'PLACED', value: (order) => order.createdAt },
];

/** `tokobapak orders list`. */
export function orderListPresentation(orders: Order[]): Presentation {
  return {
    json: () => ({ orders }),
    plain: () => (orders.length === 0 ? ['No orders.'] : textTable(orderColumns, orders)),
    tty: () => (orders.length === 0 ? <Text dimColor>No orders.</Text> : <Table columns={orderColumns} rows={orders} />),
  };
}

type OrderLine = Order['lines'][number];

/** One line, led by its id: `orders cancel --line <id>:<quantity>` and `orders refund --line <id>:<amount>` need it. */
function lineText(line: OrderLine): string {
  const variant = line.variantTitle ? ` (${line.variantTitle})` : '';
  // Units cancelled and refunded, or (after `orders refund` alone) only money given back on the line.
  const refunded =
    line.refundedQuantity > 0
      ? ` (${line.refundedQuantity} refunded, ${money(line.refundedAmount)})`
      : line.refundedAmount.amount > 0
        ? ` (${money(line.refundedAmount)} refunded)`
        : '';
  return `  ${line.id}  ${line.quantity} × ${line.productTitle}${variant} @ ${money(line.unitPrice)} = ${money(line.total)}${refunded}`;
}

/** The shipping the order charged (less its discount) and what of it was given back, when it charged any. */
function shippingText(order: Order): string[] {
  const charged = order.totals.shipping.amount - order.totals.shippingDiscount.amount;
  const refunded = order.refunds.filter((refund) => refund.status !== 'failed').reduce((sum, refund) => sum + refund.shipping.amount, 0);
  if (charged <= 0 && refunded <= 0) return [];
  const currency = order.totals.shipping.currency;
  return [`Shipping ${money({ amount: charged, currency })}${refunded > 0 ? `, ${money({ amount: refunded, currency })} refunded` : ''}`];
}

function orderLines(order: Order): string[] {
  return [
    `Order ${order.id} (${order.status}), total ${money(order.totals.total)}${order.totals.refunded.amount > 0 ? `, ${money(order.totals.refunded)} refunded` : ''}`,
    `Ship to ${order.shippingAddress.recipientName}, ${order.shippingAddress.line1}, ${order.shippingAddress.city} ${order.shippingAddress.postalCode}`,
    ...shippingText(order),
    ...(order.shipping.trackingNumber ? [`Tracking ${order.shipping.trackingNumber}`] : []),
    'Lines:',
    ...order.lines.map(lineText),
    'History:',
    ...order.history.map((entry) => `  ${entry.at} ${entry.status} by ${entry.by}${entry.note ? `: ${entry.note}` : ''}`),
  ];
}

/** `tokobapak orders show`. */
export function orderPresentation(order: Order): Presentation {
  return {
    json: () => ({ order }),
    plain: () => orderLines(order),
    tty: () => (
      <Box flexDirection="column">
        {orderLines(order).map((line) => (
          <Text key={line}>{line}</Text>
        ))}
      </Box>
    ),
  };
}

/** `tokobapak orders accept|ship|complete|cancel|refund`. */
export function orderChangedPresentation(order: Order): Presentation {
  const tracking = order.shipping.trackingNumber ? `, tracking ${order.shipping.trackingNumber}` : '';
  const refunded = order.totals.refunded.amount > 0 ? `, ${money(order.totals.refunded)} refunded` : '';
  const line = `Order ${order.id} is ${order.status}${tracking}${refunded}`;
  return {
    json: () => ({ order }),
    plain: () => [line],
    tty: () => <Text color="green">{line}</Text>,
  };
}

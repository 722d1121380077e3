import type { OrderComponents } from '@tokobapak/sdk';
import { oneOf } from './choices.js';
import { CliError } from './errors.js';
import { type Replayable, sendKeyed } from './idempotency.js';
import { orderVariables } from './orders-environment.js';
import { type Connection, callApi, storeClient } from './store-connection.js';

/** An order as the order service returns it. */
export type Order = OrderComponents['schemas']['Order'];
export type OrderStatus = OrderComponents['schemas']['OrderStatus'];

const STATUSES: OrderStatus[] = ['pending_payment', 'paid', 'accepted', 'shipped', 'completed', 'cancelled'];

/** Checks `--status` before the API would refuse it less helpfully. */
export function orderStatusFilter(value: string | undefined): OrderStatus | undefined {
  return oneOf(value, STATUSES, orderVariables.orderStatus);
}

/** Every order of the store, newest first, following the cursor to the last page. */
export async function listOrders(connection: Connection, status: OrderStatus | undefined): Promise<Order[]> {
  const client = await storeClient(connection);
  const orders: Order[] = [];
  await callApi(connection, async () => {
    for await (const order of client.order.listStoreOrders.iterate({ query: { ...(status ? { status } : {}), limit: 100 } })) orders.push(order);
  });
  return orders;
}

/** One order of the store with its lines and history. */
export async function showOrder(connection: Connection, orderId: string): Promise<Order> {
  const client = await storeClient(connection);
  return callApi(connection, () => client.order.getStoreOrder({ params: { orderId } }));
}

/** A change the order desk makes to one order. */
export type OrderChange = 'accept' | 'complete';

/** Accepts or completes one of the store's orders, with an optional note for its history. */
export async function changeOrder(connection: Connection, change: OrderChange, orderId: string, note: string | undefined): Promise<Order> {
  const client = await storeClient(connection);
  const body = note === undefined ? {} : { note };
  return callApi(connection, () =>
    change === 'accept' ? client.order.acceptOrder({ params: { orderId }, body }) : client.order.completeOrder({ params: { orderId }, body }),
  );
}

/** How the store says the order left (the carrier and tracking number only for an order without a quote). */
export interface ShipDetails {
  note?: string | undefined;
  carrier?: string | undefined;
  trackingNumber?: string | undefined;
}

/** Ships one of the store's accepted orders. */
export async function shipOrder(connection: Connection, orderId: string, details: ShipDetails): Promise<Order> {
  const client = await storeClient(connection);
  const body = Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined));
  return callApi(connection, () => client.order.shipOrder({ params: { orderId }, body }));
}

/** Units of one line to cancel. */
export interface LineToCancel {
  lineId: string;
  quantity: number;
}

/** Reads `--line lineId:quantity` values (or the variable's comma-separated list) before the API would refuse them less helpfully. */
export function linesToCancel(values: string[]): LineToCancel[] {
  return values
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value !== '')
    .map((value) => {
      const match = /^(oln_[0-9a-z]{26}):([1-9][0-9]{0,9})$/.exec(value);
      if (!match) throw new CliError('CLI_INVALID_VALUE', `--line / ${orderVariables.lines.name} takes lineId:quantity (oln_…:2), got "${value}"`);
      return { lineId: match[1] as string, quantity: Number(match[2]) };
    });
}

/**
 * Cancels units of one of the store's orders (or everything left) and refunds them. With an
 * idempotency key, running it again is no second cancellation: the server answers the first one.
 */
export async function cancelOrder(
  connection: Connection,
  orderId: string,
  lines: LineToCancel[],
  reason: string | undefined,
  idempotencyKey: string | undefined,
): Promise<Replayable<Order>> {
  const body = { ...(lines.length > 0 ? { lines } : {}), ...(reason === undefined ? {} : { reason }) };
  return sendKeyed(connection, idempotencyKey, (client, key) => client.order.cancelOrder({ params: { orderId }, body, ...key }));
}

/** Money to give back on one line, in the order currency's minor units. */
export interface LineToRefund {
  lineId: string;
  amount: number;
}

/** What `orders refund` gives back, checked; the currency is the order's, added when it is sent. */
export interface AmountsToRefund {
  lines: LineToRefund[];
  shipping: number | undefined;
  reason: string;
}

const AMOUNT_RULE = "a whole number above 0 in the order currency's minor units (IDR has none: 5000 is Rp5.000)";

/** A positive whole amount in minor units, or undefined: no sign, no decimals, no separators. */
function positiveAmount(value: string): number | undefined {
  if (!/^[1-9][0-9]{0,15}$/.test(value)) return undefined;
  const amount = Number(value);
  return Number.isSafeInteger(amount) ? amount : undefined;
}

/** Reads `--line lineId:amount` values (or the variable's comma-separated list) of `orders refund`. */
export function linesToRefund(values: string[]): LineToRefund[] {
  const variable = orderVariables.refundLines.name;
  return values
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value !== '')
    .map((value) => {
      const match = /^(oln_[0-9a-z]{26}):(.*)$/.exec(value);
      if (!match) throw new CliError('CLI_INVALID_VALUE', `--line / ${variable} takes lineId:amount (oln_…:5000), got "${value}"`);
      const amount = positiveAmount(match[2] as string);
      if (amount === undefined) throw new CliError('CLI_INVALID_VALUE', `--line / ${variable}: the amount must be ${AMOUNT_RULE}, got "${value}"`);
      return { lineId: match[1] as string, amount };
    });
}

/** Reads `--shipping <amount>` of `orders refund`. */
export function shippingToRefund(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const amount = positiveAmount(value.trim());
  if (amount === undefined)
    throw new CliError('CLI_INVALID_VALUE', `--shipping / ${orderVariables.refundShipping.name} must be ${AMOUNT_RULE}, got "${value}"`);
  return amount;
}

/** Checks what `orders refund` was given before anything is sent: something to give back, and a reason the API takes. */
export function amountsToRefund(lines: LineToRefund[], shipping: number | undefined, reason: string): AmountsToRefund {
  if (lines.length === 0 && shipping === undefined) {
    throw new CliError(
      'CLI_INVALID_VALUE',
      `Pass --line <lineId:amount> (or ${orderVariables.refundLines.name}), --shipping <amount> (or ${orderVariables.refundShipping.name}), or both: a refund gives something back`,
    );
  }
  if (lines.length > 1000) throw new CliError('CLI_INVALID_VALUE', `--line / ${orderVariables.refundLines.name} takes at most 1000 lines, got ${lines.length}`);
  const length = [...reason].length;
  if (reason.trim() === '' || length > 500) {
    throw new CliError('CLI_INVALID_VALUE', `--reason / ${orderVariables.reason.name} must be 1 to 500 characters and not blank, got ${length}`);
  }
  return { lines, shipping, reason };
}

/**
 * Gives money back on lines of one of the store's orders, on its shipping, or both, cancelling no
 * unit. The API takes amounts as Money in the order's currency, so the order is read first and its
 * currency sent: a store never types it, and cannot get it wrong. With an idempotency key, running
 * it again is no second refund: the server answers the first one.
 */
export async function refundOrder(
  connection: Connection,
  orderId: string,
  amounts: AmountsToRefund,
  idempotencyKey: string | undefined,
): Promise<Replayable<Order>> {
  return sendKeyed(connection, idempotencyKey, async (client, key) => {
    const { currency } = (await client.order.getStoreOrder({ params: { orderId } })).totals.total;
    const money = (amount: number) => ({ amount, currency });
    const body = {
      ...(amounts.lines.length > 0 ? { lines: amounts.lines.map((line) => ({ lineId: line.lineId, amount: money(line.amount) })) } : {}),
      ...(amounts.shipping === undefined ? {} : { shipping: money(amounts.shipping) }),
      reason: amounts.reason,
    };
    return client.order.refundOrder({ params: { orderId }, body, ...key });
  });
}

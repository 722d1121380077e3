import type { OrderComponents } from '@tokobapak/sdk';
import { oneOf } from './choices.js';
import { CliError } from './errors.js';
import { type Replayable, replayWatch } from './idempotency.js';
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
  const watch = replayWatch();
  const client = await storeClient(connection, watch.fetch);
  const body = { ...(lines.length > 0 ? { lines } : {}), ...(reason === undefined ? {} : { reason }) };
  const key = idempotencyKey === undefined ? {} : { idempotencyKey };
  const order = await callApi(connection, () => client.order.cancelOrder({ params: { orderId }, body, ...key }));
  return { result: order, replayed: watch.replayed() };
}

import type { OrderComponents } from '@tokobapak/sdk';
import { CliError } from './errors.js';
import { orderVariables } from './orders-environment.js';
import type { Env } from './settings.js';
import { type Connection, callApi, resolveConnection, storeClient } from './store-connection.js';

/** An order as the order service returns it. */
export type Order = OrderComponents['schemas']['Order'];
export type OrderStatus = OrderComponents['schemas']['OrderStatus'];

const STATUSES: OrderStatus[] = ['pending_payment', 'paid', 'accepted', 'shipped', 'completed', 'cancelled'];

/** The connection of an `orders` command: a store API key, or the `tokobapak login` session acting in its store. */
export function orderConnection(flags: { url?: string | undefined; apiKey?: string | undefined }, env: Env): Connection {
  return resolveConnection(flags, { ...env, TOKOBAPAK_EMAIL: undefined, TOKOBAPAK_PASSWORD: undefined });
}

/** Checks `--status` before the API would refuse it less helpfully. */
export function orderStatusFilter(value: string | undefined): OrderStatus | undefined {
  if (value === undefined) return undefined;
  if ((STATUSES as string[]).includes(value)) return value as OrderStatus;
  throw new CliError('CLI_INVALID_VALUE', `--status / ${orderVariables.orderStatus.name} must be one of ${STATUSES.join(', ')}, got "${value}"`);
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

import type { TokoBapakClient } from '@tokobapak/sdk';
import { newId, type Plugin, type TxContext } from '@tokobapak/server';
import { contextPlugin, TEST_ADDRESS, type TestServer } from '@tokobapak/server/testing';
import type { Kysely, KyselyPlugin } from 'kysely';
import { confirmOrders } from '../src/confirmation.js';
import type { OrderDatabase } from '../src/database.js';
import type { OrderEvents } from '../src/generated/manifest.js';
import { type PlacedLine, placeOrders } from '../src/placement.js';

/** A signed-in customer (a signed access token: the runtime checks only the signature). */
export function customerClient(server: TestServer, userId: string = newId('usr')): { userId: string; client: TokoBapakClient } {
  const accessToken = server.tokens.signAccessToken({ userId, role: 'customer', sessionId: `ses_${'0'.repeat(26)}` });
  return { userId, client: server.client({ accessToken }) };
}

/**
 * Places orders the way the checkout does, without a cart, payment or stock: a plugin with no
 * operations that writes through the order service's own placement code in one transaction. The
 * order-desk tests use it to get orders into each status; the checkout tests place them for real.
 */
export interface OrderSeeder {
  plugin: Plugin;
  /** Places one order per given store under a new checkout, optionally paid; resolves with the order ids by store. */
  seed(input: {
    customerId: string;
    stores: Array<{
      storeId: string;
      lines: Array<Partial<PlacedLine> & { quantity: number; unitPrice: number }>;
      /** The shipping quote chosen and its price (none: the store ships for free without one). */
      shipping?: { optionId: string; provider: string; amount: number };
    }>;
    paid?: boolean;
    feeBasisPoints?: number;
  }): Promise<{ checkoutId: string; orderIds: string[]; statements: { place: number; confirm: number } }>;
}

export function orderSeeder(): OrderSeeder {
  const seeder = contextPlugin('orderseed', 'Places orders in tests');
  return {
    plugin: seeder.plugin,
    async seed({ customerId, stores, paid = true, feeBasisPoints = 0 }) {
      const context = seeder.context();
      const checkoutId = newId('chk');
      const now = new Date();
      const orders = stores.map(({ storeId, lines, shipping }) => {
        const placed: PlacedLine[] = lines.map((line) => {
          const subtotal = line.unitPrice * line.quantity;
          const discount = line.discount ?? 0;
          return {
            variantId: line.variantId ?? newId('var'),
            productId: line.productId ?? newId('prod'),
            productTitle: line.productTitle ?? 'Kopi Gayo',
            variantTitle: line.variantTitle ?? null,
            sku: line.sku ?? null,
            quantity: line.quantity,
            unitPrice: line.unitPrice,
            subtotal,
            discount,
            discountAllocations: line.discountAllocations ?? [],
            tax: 0,
            total: subtotal - discount,
          };
        });
        const subtotal = placed.reduce((sum, line) => sum + line.subtotal, 0);
        const discount = placed.reduce((sum, line) => sum + line.discount, 0);
        return {
          orderId: newId('ord'),
          storeId,
          lines: placed,
          subtotal,
          discount,
          shippingAmount: shipping?.amount ?? 0,
          shippingDiscount: 0,
          tax: 0,
          total: subtotal - discount + (shipping?.amount ?? 0),
          shipping: shipping
            ? { optionId: shipping.optionId, provider: shipping.provider, service: null, name: 'Kirim rata' }
            : { optionId: null, provider: null, service: null, name: null },
        };
      });
      const total = orders.reduce((sum, order) => sum + order.total, 0);
      // The statements placing and confirming send through the transaction's handle (the events' insert goes through the runtime's own).
      let sent = 0;
      const counting: KyselyPlugin = {
        transformQuery: (args) => args.node,
        transformResult: async (args) => {
          sent += 1;
          return args.result;
        },
      };
      const statements = { place: 0, confirm: 0 };
      await context.transaction(async (outer) => {
        const tx = { ...outer, db: (outer.db as Kysely<unknown>).withSchema('order').withPlugin(counting) } as unknown as TxContext<OrderDatabase, OrderEvents>;
        await tx.db
          .insertInto('checkouts')
          .values({
            id: checkoutId,
            customer_id: customerId,
            cart_id: newId('crt'),
            status: paid ? 'paid' : 'awaiting_payment',
            currency: 'IDR',
            total,
            shipping_address: JSON.stringify(ADDRESS),
            payment_method: JSON.stringify({ type: 'qris' }),
            created_at: now,
            updated_at: now,
          })
          .execute();
        sent = 0;
        await placeOrders(tx, { checkoutId, customerId, currency: 'IDR', shippingAddress: ADDRESS, platformFeeBasisPoints: feeBasisPoints, orders }, now, {
          resumed: false,
        });
        statements.place = sent;
        sent = 0;
        if (paid) await confirmOrders(tx, checkoutId, now);
        statements.confirm = sent;
      });
      return { checkoutId, orderIds: orders.map((order) => order.orderId), statements };
    },
  };
}

/** Where test parcels go. */
export const ADDRESS = TEST_ADDRESS;

/**
 * The checkout bench's baseline: a bare Fastify + pg server answering the same requests as the
 * store with only the minimal SQL of each, on tables of its own (schema `bare`, the variants copied
 * from the store's inventory at start-up) — no plugins, authentication, validation, response
 * schemas, service calls, events, durable processes or settling job:
 *
 * - a cart is one insert; a line one insert of the variant's price if it has the stock;
 * - a shipping quote reads the store's flat rate; choosing it is one upsert; quoting the whole cart
 *   and choosing the cheapest reads the rates of the cart's stores, then upserts the choices in one statement;
 * - the checkout is one transaction: the cart's lines with their variants locked, the stock checked
 *   and decremented, the checkout, one order per store, its lines and the payment inserted;
 * - paying is one transaction marking the payment, the checkout and its orders paid;
 * - reading the checkout is its row and its orders' statuses.
 *
 *   node --import tsx bench/checkout/bare-server.ts --db-url postgres://… --pool-size 20
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import pg from 'pg';
import { serveUntilStopped } from '../entry-process.js';

const { values } = parseArgs({
  options: { 'db-url': { type: 'string' }, 'pool-size': { type: 'string', default: '20' }, port: { type: 'string', default: '0' } },
});
if (!values['db-url']) throw new Error('bench/checkout/bare-server: pass --db-url');
const pool = new pg.Pool({ connectionString: values['db-url'], max: Number(values['pool-size']) });

const id = (prefix: string) => `${prefix}_${randomBytes(13).toString('hex').slice(0, 26)}`;

await pool.query(`
  drop schema if exists bare cascade;
  create schema bare;
  create table bare.variants as select id, store_id, price_amount as price, stock_on_hand as stock from inventory.variants;
  alter table bare.variants add primary key (id);
  create table bare.shipping_rates as select distinct store_id, 15000::bigint as amount from bare.variants;
  alter table bare.shipping_rates add primary key (store_id);
  create table bare.carts (id text primary key, customer_id text, status text not null, created_at timestamptz not null);
  create table bare.cart_lines (cart_id text not null, variant_id text not null, store_id text not null, quantity int not null, price bigint not null, primary key (cart_id, variant_id));
  create table bare.cart_shipping (cart_id text not null, store_id text not null, amount bigint not null, primary key (cart_id, store_id));
  create table bare.checkouts (id text primary key, cart_id text not null, status text not null, total bigint not null, created_at timestamptz not null);
  create table bare.orders (id text primary key, checkout_id text not null, store_id text not null, status text not null, total bigint not null, created_at timestamptz not null);
  create index on bare.orders (checkout_id);
  create table bare.order_lines (order_id text not null, variant_id text not null, quantity int not null, price bigint not null, primary key (order_id, variant_id));
  create table bare.payments (id text primary key, checkout_id text not null, amount bigint not null, status text not null, created_at timestamptz not null);
`);

const app = Fastify({ logger: false });

app.post('/cart/carts', async (_request, reply) => {
  const cartId = id('crt');
  await pool.query({ name: 'cart', text: `insert into bare.carts (id, status, created_at) values ($1, 'open', now())`, values: [cartId] });
  return reply.code(201).send({ id: cartId });
});

app.post('/cart/carts/:cartId/lines', async (request, reply) => {
  const { cartId } = request.params as { cartId: string };
  const { variantId, quantity } = request.body as { variantId: string; quantity: number };
  const { rowCount } = await pool.query({
    name: 'line',
    text: `insert into bare.cart_lines (cart_id, variant_id, store_id, quantity, price)
      select $1, v.id, v.store_id, $3, v.price from bare.variants v where v.id = $2 and v.stock >= $3
      on conflict (cart_id, variant_id) do update set quantity = bare.cart_lines.quantity + excluded.quantity`,
    values: [cartId, variantId, quantity],
  });
  if (rowCount === 0) return reply.code(409).send({ code: 'INSUFFICIENT_STOCK' });
  return { id: cartId };
});

app.post('/shipping/quotes', async (request) => {
  const { storeId } = request.body as { storeId: string };
  const { rows } = await pool.query({ name: 'rate', text: 'select amount from bare.shipping_rates where store_id = $1', values: [storeId] });
  return { options: rows.map((row) => ({ optionId: `flat:${storeId}`, amount: { amount: Number(row.amount), currency: 'IDR' } })) };
});

app.put('/cart/carts/:cartId/shipping/:storeId', async (request) => {
  const { cartId, storeId } = request.params as { cartId: string; storeId: string };
  await pool.query({
    name: 'ship',
    text: `insert into bare.cart_shipping (cart_id, store_id, amount) select $1, store_id, amount from bare.shipping_rates where store_id = $2
      on conflict (cart_id, store_id) do update set amount = excluded.amount`,
    values: [cartId, storeId],
  });
  return { id: cartId };
});

app.post('/cart/carts/:cartId/shipping/quotes', async (request) => {
  const { cartId } = request.params as { cartId: string };
  const { rows } = await pool.query({
    name: 'cart_rates',
    text: 'select store_id, amount from bare.shipping_rates where store_id in (select store_id from bare.cart_lines where cart_id = $1)',
    values: [cartId],
  });
  await pool.query({
    name: 'ship_all',
    text: `insert into bare.cart_shipping (cart_id, store_id, amount) select $1, unnest($2::text[]), unnest($3::bigint[])
      on conflict (cart_id, store_id) do update set amount = excluded.amount`,
    values: [cartId, rows.map((row) => row.store_id), rows.map((row) => row.amount)],
  });
  return {
    stores: rows.map((row) => ({
      storeId: row.store_id,
      options: [{ optionId: `flat:${row.store_id}`, amount: { amount: Number(row.amount), currency: 'IDR' } }],
      chosenOptionId: `flat:${row.store_id}`,
    })),
    cart: { id: cartId },
  };
});

app.post('/order/checkouts', async (request, reply) => {
  const { cartId } = request.body as { cartId: string };
  const client = await pool.connect();
  try {
    await client.query('begin');
    const { rows: lines } = await client.query({
      name: 'lock',
      text: `select l.variant_id, l.store_id, l.quantity, l.price, v.stock from bare.cart_lines l join bare.variants v on v.id = l.variant_id
        where l.cart_id = $1 order by l.variant_id for update of v`,
      values: [cartId],
    });
    if (lines.length === 0 || lines.some((line) => line.stock < line.quantity)) {
      await client.query('rollback');
      return reply.code(409).send({ code: 'OUT_OF_STOCK' });
    }
    const { rows: shipping } = await client.query({
      name: 'shipping',
      text: 'select store_id, amount from bare.cart_shipping where cart_id = $1',
      values: [cartId],
    });
    await client.query({
      name: 'decrement',
      text: 'update bare.variants v set stock = v.stock - l.quantity from bare.cart_lines l where l.cart_id = $1 and v.id = l.variant_id',
      values: [cartId],
    });
    const checkoutId = id('chk');
    const stores = [...new Set(lines.map((line) => line.store_id as string))];
    const orders = stores.map((storeId) => {
      const own = lines.filter((line) => line.store_id === storeId);
      const goods = own.reduce((sum, line) => sum + Number(line.price) * line.quantity, 0);
      const ship = Number(shipping.find((row) => row.store_id === storeId)?.amount ?? 0);
      return { id: id('ord'), storeId, total: goods + ship, lines: own };
    });
    const total = orders.reduce((sum, order) => sum + order.total, 0);
    await client.query({
      name: 'checkout',
      text: `insert into bare.checkouts (id, cart_id, status, total, created_at) values ($1, $2, 'awaiting_payment', $3, now())`,
      values: [checkoutId, cartId, total],
    });
    await client.query({
      name: 'orders',
      text: `insert into bare.orders (id, checkout_id, store_id, status, total, created_at)
        select unnest($1::text[]), $2, unnest($3::text[]), 'pending_payment', unnest($4::bigint[]), now()`,
      values: [orders.map((order) => order.id), checkoutId, orders.map((order) => order.storeId), orders.map((order) => order.total)],
    });
    const flat = orders.flatMap((order) => order.lines.map((line) => ({ orderId: order.id, ...line })));
    await client.query({
      name: 'order_lines',
      text: 'insert into bare.order_lines (order_id, variant_id, quantity, price) select unnest($1::text[]), unnest($2::text[]), unnest($3::int[]), unnest($4::bigint[])',
      values: [flat.map((line) => line.orderId), flat.map((line) => line.variant_id), flat.map((line) => line.quantity), flat.map((line) => line.price)],
    });
    const paymentId = id('pay');
    await client.query({
      name: 'payment',
      text: `insert into bare.payments (id, checkout_id, amount, status, created_at) values ($1, $2, $3, 'pending', now())`,
      values: [paymentId, checkoutId, total],
    });
    await client.query({ name: 'close_cart', text: `update bare.carts set status = 'completed' where id = $1`, values: [cartId] });
    await client.query('commit');
    return reply.code(201).send({ id: checkoutId, status: 'awaiting_payment', payment: { id: paymentId } });
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
});

app.post('/payment/sandbox/:paymentId/simulate', async (request, reply) => {
  const { paymentId } = request.params as { paymentId: string };
  const { rows } = await pool.query({
    name: 'pay',
    text: `with paid as (update bare.payments set status = 'paid' where id = $1 and status = 'pending' returning checkout_id),
      checkout as (update bare.checkouts set status = 'paid' where id in (select checkout_id from paid) returning id),
      orders as (update bare.orders set status = 'paid' where checkout_id in (select checkout_id from paid) returning id)
      select (select count(*) from checkout) as checkouts, (select count(*) from orders) as orders`,
    values: [paymentId],
  });
  if (Number(rows[0]?.checkouts) === 0) return reply.code(409).send({ code: 'PAYMENT_NOT_PENDING' });
  return { id: paymentId, status: 'paid' };
});

app.get('/order/checkouts/:checkoutId', async (request) => {
  const { checkoutId } = request.params as { checkoutId: string };
  const [checkout, orders] = await Promise.all([
    pool.query({ name: 'read_checkout', text: 'select id, status, total from bare.checkouts where id = $1', values: [checkoutId] }),
    pool.query({
      name: 'read_orders',
      text: 'select id, store_id, status, total from bare.orders where checkout_id = $1 order by store_id',
      values: [checkoutId],
    }),
  ]);
  const row = checkout.rows[0];
  return { id: checkoutId, status: row?.status, orders: orders.rows };
});

const url = await app.listen({ port: Number(values.port), host: '127.0.0.1' });
serveUntilStopped(url, () => Promise.all([app.close(), pool.end()]));

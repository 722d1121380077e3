/**
 * The cart bench's baseline: a bare Fastify + pg server doing only the minimal SQL of each cart
 * request, on the same tables — no plugins, authentication, token check, validation, response
 * schema, service calls or totals beyond a sum:
 *
 * - `POST /cart/carts`: one insert;
 * - `POST /cart/carts/:id/lines`: one transaction that locks the cart, reads the variant's stock
 *   and upserts the line only if that much is available, then the active automatic promotions
 *   (one query) — the "add a line with a promotion active" request;
 * - `GET /cart/carts/:id`: the cart's lines with their variants' current prices and stock (one
 *   query) and the active automatic promotions (one query), summed.
 *
 * Statements are named prepared statements, as the TokoBapak server sends its hot reads.
 *
 *   node --import tsx bench/cart/bare-server.ts --db-url postgres://… --pool-size 20
 */
import { createHash, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import pg from 'pg';
import { serveUntilStopped } from '../entry-process.js';

const { values } = parseArgs({
  options: { 'db-url': { type: 'string' }, 'pool-size': { type: 'string', default: '20' }, port: { type: 'string', default: '0' } },
});
if (!values['db-url']) throw new Error('bench/cart/bare-server: pass --db-url');
const pool = new pg.Pool({ connectionString: values['db-url'], max: Number(values['pool-size']) });

const PROMOTIONS = `select id, type, percentage from promotion.promotions where code is null and status = 'active' and starts_at <= now() and (ends_at is null or ends_at > now())`;
const LINES = `select l.id, l.variant_id, l.quantity, v.price_amount, v.currency, v.stock_on_hand - v.reserved as available
  from cart.cart_lines l join inventory.variants v on v.id = l.variant_id where l.cart_id = $1 order by l.created_at, l.id`;

function discountOf(subtotal: number, promotions: Array<{ type: string; percentage: number | null }>): number {
  let discount = 0;
  for (const promotion of promotions) if (promotion.type === 'percentage') discount += Math.floor(((subtotal - discount) * (promotion.percentage ?? 0)) / 100);
  return discount;
}

const app = Fastify({ logger: false });

app.post('/cart/carts', async (_request, reply) => {
  const id = `crt_${randomBytes(13).toString('hex').slice(0, 26)}`;
  const token = randomBytes(32).toString('base64url');
  await pool.query({
    name: 'bare_create',
    text: `insert into cart.carts (id, customer_id, token_hash, status, currency, coupon_codes, created_at, updated_at) values ($1, null, $2, 'open', 'IDR', '[]', now(), now())`,
    values: [id, createHash('sha256').update(token).digest('hex')],
  });
  return reply.code(201).send({ id, token });
});

app.post('/cart/carts/:cartId/lines', async (request, reply) => {
  const { cartId } = request.params as { cartId: string };
  const { variantId, quantity } = request.body as { variantId: string; quantity: number };
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query({ name: 'bare_lock', text: 'select status from cart.carts where id = $1 for update', values: [cartId] });
    const { rows } = await client.query({
      name: 'bare_upsert',
      text: `insert into cart.cart_lines (id, cart_id, variant_id, store_id, quantity, created_at, updated_at)
        select $3, $1, v.id, v.store_id, $4, now(), now() from inventory.variants v where v.id = $2 and v.stock_on_hand - v.reserved >= $4
        on conflict (cart_id, variant_id) do update set quantity = cart.cart_lines.quantity + excluded.quantity, updated_at = now()
        where cart.cart_lines.quantity + excluded.quantity <= (select stock_on_hand - reserved from inventory.variants where id = $2)
        returning id, quantity`,
      values: [cartId, variantId, `cli_${randomBytes(13).toString('hex').slice(0, 26)}`, quantity],
    });
    await client.query('commit');
    if (rows.length === 0) return reply.code(409).send({ code: 'INSUFFICIENT_STOCK' });
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
  const promotions = await pool.query({ name: 'bare_promotions', text: PROMOTIONS });
  return { line: variantId, promotions: promotions.rows.length };
});

app.get('/cart/carts/:cartId', async (request) => {
  const { cartId } = request.params as { cartId: string };
  const [lines, promotions] = await Promise.all([
    pool.query({ name: 'bare_lines', text: LINES, values: [cartId] }),
    pool.query({ name: 'bare_promotions', text: PROMOTIONS }),
  ]);
  const subtotal = lines.rows.reduce((sum, row) => sum + Number(row.price_amount) * Math.min(row.quantity, row.available), 0);
  const discount = discountOf(subtotal, promotions.rows);
  return { id: cartId, lines: lines.rows, subtotal, discount, total: subtotal - discount };
});

const url = await app.listen({ port: Number(values.port), host: '127.0.0.1' });
serveUntilStopped(url, () => Promise.all([app.close(), pool.end()]));

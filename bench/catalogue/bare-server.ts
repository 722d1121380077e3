/**
 * The list page's baseline: a bare Fastify + pg server answering `GET /inventory/products?limit=20`
 * with the same 20 newest active products and their variants, and nothing else — no plugins,
 * authentication, validation, response schema, metrics or store-suspension check. The SQL is the
 * least that returns that page (variants as one JSON array per product) and is sent as a named
 * prepared statement, as the TokoBapak server sends its own; rows go out through Fastify's default
 * `JSON.stringify`. Same stdout contract as `server.ts`, and like it imports nothing relative so it
 * compiles on its own for `--runtime dist`.
 *
 *   node bare-server.mjs --db-url postgres://… --pool-size 20
 */
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import pg from 'pg';
import { serveUntilStopped } from '../entry-process.js';

const { values } = parseArgs({
  options: {
    'db-url': { type: 'string' },
    'pool-size': { type: 'string', default: '20' },
    port: { type: 'string', default: '0' },
  },
});
if (!values['db-url']) throw new Error('bench/catalogue/bare-server: pass --db-url');

const pool = new pg.Pool({ connectionString: values['db-url'], max: Number(values['pool-size']) });
const PAGE = `
  select p.id, p.store_id, p.handle, p.title, p.description, p.categories, p.image_ids, p.options, p.status,
    p.sold_out, p.from_price, p.currency, p.created_at, p.updated_at,
    coalesce((select json_agg(v order by v.position) from (
      select id, product_id, sku, title, option_values, price_amount, currency, weight, stock_on_hand, reserved, position
      from inventory.variants where product_id = p.id) v), '[]'::json) as variants
  from inventory.products p where p.status = 'active' order by p.id desc limit $1`;

const app = Fastify({ logger: false });
app.get('/inventory/products', async (request) => {
  const limit = Math.min(100, Number((request.query as { limit?: string }).limit ?? 20) || 20);
  const { rows } = await pool.query({ name: 'bare_page', text: PAGE, values: [limit] });
  return { items: rows, nextCursor: rows.length === limit ? (rows[rows.length - 1] as { id: string }).id : null };
});

const url = await app.listen({ port: Number(values.port), host: '127.0.0.1' });
serveUntilStopped(url, () => Promise.all([app.close(), pool.end()]));

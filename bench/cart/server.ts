/**
 * The cart bench's store: inventory, cart and promotion in one process on PostgreSQL, with the
 * platform secret given so that the harness can sign sessions. Prints
 * `{"event":"listening","url":…}` once it listens; closes on SIGTERM, SIGINT or when stdin ends.
 *
 *   node --import tsx bench/cart/server.ts --db-url postgres://… --pool-size 20 --secret …
 */
import { parseArgs } from 'node:util';
import { cartPlugin } from '@tokobapak/plugin-cart';
import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { promotionPlugin } from '@tokobapak/plugin-promotion';
import { createServer } from '@tokobapak/server';
import { serveUntilStopped } from '../entry-process.js';

const { values } = parseArgs({
  options: {
    'db-url': { type: 'string' },
    'pool-size': { type: 'string', default: '20' },
    secret: { type: 'string' },
    port: { type: 'string', default: '0' },
  },
});
if (!values['db-url'] || !values.secret) throw new Error('bench/cart/server: pass --db-url and --secret');

const server = await createServer({
  plugins: [inventoryPlugin(), cartPlugin(), promotionPlugin()],
  database: { url: values['db-url'], poolSize: Number(values['pool-size']) },
  secret: values.secret,
  logLevel: 'warn',
  accessTokenTtl: 3600,
});
const url = await server.listen({ port: Number(values.port), host: '127.0.0.1' });
serveUntilStopped(url, () => server.close());

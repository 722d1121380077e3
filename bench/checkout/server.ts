/**
 * The checkout bench's store: every service in one process on PostgreSQL, with the sandbox payment
 * gateway and the platform secret given so that the harness can sign sessions. Prints
 * `{"event":"listening","url":…}` once it listens; closes on SIGTERM, SIGINT or when stdin ends.
 *
 *   node --import tsx bench/checkout/server.ts --db-url postgres://… --pool-size 20 --secret … --blob-dir /tmp/…
 */
import { parseArgs } from 'node:util';
import { authPlugin } from '@tokobapak/plugin-auth';
import { cartPlugin } from '@tokobapak/plugin-cart';
import { imageProxyPlugin } from '@tokobapak/plugin-image-proxy';
import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { merchantPlugin } from '@tokobapak/plugin-merchant';
import { orderPlugin } from '@tokobapak/plugin-order';
import { paymentPlugin } from '@tokobapak/plugin-payment';
import { promotedItemPlugin } from '@tokobapak/plugin-promoted-item';
import { promotionPlugin } from '@tokobapak/plugin-promotion';
import { shippingPlugin } from '@tokobapak/plugin-shipping';
import { userPlugin } from '@tokobapak/plugin-user';
import { wishlistPlugin } from '@tokobapak/plugin-wishlist';
import { createServer, HEAP_GROWING_PERCENT, limitHeapGrowth } from '@tokobapak/server';
import { serveUntilStopped } from '../entry-process.js';
import { sampleHeap, snapshotHeapOnSignal } from './heap-report.js';
import { tallyStatements } from './statement-tally.js';

const { values } = parseArgs({
  options: {
    'db-url': { type: 'string' },
    'pool-size': { type: 'string', default: '20' },
    secret: { type: 'string' },
    'blob-dir': { type: 'string' },
    port: { type: 'string', default: '0' },
    'statements-file': { type: 'string' },
    'heap-file': { type: 'string' },
    'heap-snapshots': { type: 'string' },
  },
});
if (!values['db-url'] || !values.secret || !values['blob-dir']) throw new Error('bench/checkout/server: pass --db-url, --secret and --blob-dir');

// As `tokobapak start` runs a store (TOKOBAPAK_HEAP_GROWING_PERCENT=0 for V8's own choice, to compare).
limitHeapGrowth(Number(process.env.TOKOBAPAK_HEAP_GROWING_PERCENT?.trim() || HEAP_GROWING_PERCENT));
if (values['statements-file']) tallyStatements(values['statements-file']);
if (values['heap-file']) sampleHeap(values['heap-file']);
if (values['heap-snapshots']) snapshotHeapOnSignal(values['heap-snapshots']);

const server = await createServer({
  plugins: [
    authPlugin(),
    userPlugin(),
    merchantPlugin(),
    inventoryPlugin(),
    imageProxyPlugin({ blobDir: values['blob-dir'] }),
    promotedItemPlugin(),
    promotionPlugin(),
    cartPlugin(),
    wishlistPlugin(),
    shippingPlugin(),
    paymentPlugin({ provider: 'sandbox' }),
    orderPlugin(),
  ],
  database: { url: values['db-url'], poolSize: Number(values['pool-size']) },
  secret: values.secret,
  logLevel: 'warn',
  accessTokenTtl: 3600,
});
const url = await server.listen({ port: Number(values.port), host: '127.0.0.1' });
serveUntilStopped(url, () => server.close());

/**
 * The catalogue store under load: auth, user, merchant, inventory and image-proxy in one process,
 * started by `bench/catalogue.ts` (through {@link ./server-process.ts}). Same contract as
 * `bench/server.ts`: prints `{"event":"listening","url":…}` on stdout once it listens and closes on
 * SIGTERM, SIGINT or when its stdin ends. It imports nothing relative, so that it can be compiled
 * on its own into a plain `.mjs` for `--runtime dist`.
 *
 *   node --conditions=development --import tsx bench/catalogue/server.ts --db-url postgres://… --pool-size 20 --blob-dir /tmp/…
 */
import { parseArgs } from 'node:util';
import { authPlugin } from '@tokobapak/plugin-auth';
import { imageProxyPlugin } from '@tokobapak/plugin-image-proxy';
import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { merchantPlugin } from '@tokobapak/plugin-merchant';
import { userPlugin } from '@tokobapak/plugin-user';
import { createServer, type Plugin, type ServerConfig } from '@tokobapak/server';

const { values } = parseArgs({
  options: {
    'db-url': { type: 'string' },
    'data-dir': { type: 'string' },
    'pool-size': { type: 'string', default: '20' },
    port: { type: 'string', default: '0' },
    'blob-dir': { type: 'string' },
    'signing-key': { type: 'string' },
    'mail-dir': { type: 'string' },
    'access-token-ttl': { type: 'string', default: '3600' },
    // Diagnosis only (never in a measured run): count the SQL statements sent to PostgreSQL.
    'count-queries': { type: 'boolean', default: false },
  },
});

const counted = new Map<string, number>();
if (values['count-queries']) {
  // node-postgres is one module instance for the whole process (pnpm links one copy), so wrapping
  // Client#query sees every statement Kysely sends through the pool. The harness writes
  // `queries` on stdin to read (and reset) the counts.
  const pg = (await import('pg')).default;
  const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0];
    const text = typeof first === 'string' ? first : ((first as { text?: string } | undefined)?.text ?? '?');
    const key = text.replace(/\s+/g, ' ').slice(0, 160);
    counted.set(key, (counted.get(key) ?? 0) + 1);
    return original.apply(this, args);
  } as typeof pg.Client.prototype.query;
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    if (!chunk.includes('queries')) return;
    process.stdout.write(`${JSON.stringify({ event: 'queries', statements: Object.fromEntries(counted) })}\n`);
    counted.clear();
  });
}

const dbUrl = values['db-url'];
const dataDir = values['data-dir'];
if (!dbUrl && !dataDir) throw new Error('bench/catalogue/server: pass --db-url or --data-dir');
if (!values['blob-dir']) throw new Error('bench/catalogue/server: pass --blob-dir');

// The factories of packages/cli/src/services/plugin-registry.ts, with the options a store would give.
const plugins: Plugin[] = [
  authPlugin(),
  userPlugin(),
  merchantPlugin(),
  inventoryPlugin(),
  imageProxyPlugin({ blobDir: values['blob-dir'], ...(values['signing-key'] ? { signingKey: values['signing-key'] } : {}) }),
];

const config: ServerConfig = {
  plugins,
  database: dbUrl ? { url: dbUrl, poolSize: Number(values['pool-size']) } : { dataDir: dataDir as string },
  logLevel: 'warn',
  accessTokenTtl: Number(values['access-token-ttl']),
  ...(values['mail-dir'] ? { mail: { transport: 'file' as const, dir: values['mail-dir'] } } : {}),
};

const server = await createServer(config);
const url = await server.listen({ port: Number(values.port), host: '127.0.0.1' });
process.stdout.write(
  `${JSON.stringify({ event: 'listening', url, pid: process.pid, plugins: plugins.map((plugin) => plugin.name), database: server.database.kind })}\n`,
);

let closing = false;
function shutdown(): void {
  if (closing) return;
  closing = true;
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('bench/catalogue/server: close failed', error);
      process.exit(1);
    },
  );
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.stdin.on('end', shutdown);
process.stdin.resume();

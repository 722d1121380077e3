/**
 * The store under load, in its own process so that the load generator neither shares its event loop
 * nor counts towards its resident memory. Started by `bench/run.ts`; prints one JSON line
 * (`{"event":"listening","url":…}`) on stdout once it listens, and closes cleanly on SIGTERM, SIGINT
 * or when its stdin ends (the harness went away).
 *
 *   node --conditions=development --import tsx bench/server.ts --db-url postgres://… --pool-size 20
 *   node --conditions=development --import tsx bench/server.ts --data-dir /tmp/…/data
 */
import { parseArgs } from 'node:util';
import { authPlugin } from '@tokobapak/plugin-auth';
import { createServer, HEAP_GROWING_PERCENT, limitHeapGrowth, type Plugin, type ServerConfig } from '@tokobapak/server';

const { values } = parseArgs({
  options: {
    'db-url': { type: 'string' },
    'data-dir': { type: 'string' },
    'pool-size': { type: 'string', default: '20' },
    port: { type: 'string', default: '0' },
    plugins: { type: 'string', default: 'auth,user' },
    secret: { type: 'string' },
    'access-token-ttl': { type: 'string' },
    'mail-dir': { type: 'string' },
  },
});

// As `tokobapak start` runs a store, so that the platform bench's memory is the users' (TOKOBAPAK_HEAP_GROWING_PERCENT=0 for V8's own choice).
limitHeapGrowth(Number(process.env.TOKOBAPAK_HEAP_GROWING_PERCENT?.trim() || HEAP_GROWING_PERCENT));

const plugins: Plugin[] = [];
for (const name of (values.plugins ?? '').split(',').filter(Boolean)) {
  if (name === 'auth') plugins.push(authPlugin());
  else if (name === 'user') {
    // Loaded on demand so that a harness run with `--plugins auth` does not depend on the user plugin.
    const { userPlugin } = await import('@tokobapak/plugin-user');
    plugins.push(userPlugin());
  } else throw new Error(`bench/server: unknown plugin "${name}" (known: auth, user)`);
}

const dbUrl = values['db-url'];
const dataDir = values['data-dir'];
if (!dbUrl && !dataDir) throw new Error('bench/server: pass --db-url or --data-dir');
const accessTokenTtl = values['access-token-ttl'] ? Number(values['access-token-ttl']) : undefined;

const config: ServerConfig = {
  plugins,
  database: dbUrl ? { url: dbUrl, poolSize: Number(values['pool-size']) } : { dataDir: dataDir as string },
  logLevel: 'warn',
  // Mail (if any is sent) goes to files, not memory, so it cannot inflate the resident figure.
  ...(values['mail-dir'] ? { mail: { transport: 'file' as const, dir: values['mail-dir'] } } : {}),
  ...(values.secret ? { secret: values.secret } : {}),
  ...(accessTokenTtl ? { accessTokenTtl } : {}),
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
      console.error('bench/server: close failed', error);
      process.exit(1);
    },
  );
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.stdin.on('end', shutdown);
process.stdin.resume();

/**
 * `pnpm bench:cart:probe`: the CPU one cart request costs and the statements it sends, measured
 * in process on PostgreSQL (`app.inject`, so no socket) with `--concurrency` requests in flight
 * (20, as the bench's connections), for each way of calling the other services in the process
 * (`directServiceCalls` on and off), alternating, several rounds. On a shared machine the req/s
 * of `bench:cart` move with whatever else runs; the CPU a request costs moves much less, so this
 * is the figure to compare two versions of the code by.
 *
 * A mode ending in `-limited` (`direct-limited`) runs with the anonymous rate limit on, with a
 * budget no run reaches, to show what counting each guest request costs.
 *
 * `--read-carts` sets how many carts of three lines get-cart reads in turn (1 by default, as in
 * earlier figures; the bench reads 300): reads of one cart in flight together share every
 * statement, reads of different carts share fewer.
 *
 *   pnpm bench:cart:probe --requests 1000 --rounds 3 [--modes direct,inject,direct-limited] [--scenarios get-cart,change-quantity] [--read-carts 1]
 *   pnpm bench:cart:probe --rounds 1 --modes direct --cpu-prof /tmp/profiles   # a CPU profile of each measured run, nothing else (its CPU figures then include the profiler's)
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cartPlugin } from '@tokobapak/plugin-cart';
import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { promotionPlugin } from '@tokobapak/plugin-promotion';
import { createServer, newId, type TokoBapakServer } from '@tokobapak/server';
import pg from 'pg';
import { adminQuery } from '../bench-database.js';

// Statements sent per request, counted where every pooled client sends them.
let statements = 0;
const sendQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  statements++;
  return (sendQuery as (...rest: unknown[]) => unknown).apply(this, args);
} as typeof sendQuery;

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '500' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '20' },
    'read-carts': { type: 'string', default: '1' },
    modes: { type: 'string', default: 'direct,inject' },
    scenarios: { type: 'string', default: 'create-cart,add-line,get-cart' },
    'cpu-prof': { type: 'string' },
    'postgres-url': { type: 'string', default: process.env.TOKOBAPAK_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const requests = Number(values.requests);
const rounds = Number(values.rounds);
const concurrency = Math.max(1, Number(values.concurrency));
const readCartCount = Math.max(1, Number(values['read-carts']));
const modes = (values.modes as string).split(',') as Mode[];
const chosen = new Set((values.scenarios as string).split(','));
const adminUrl = values['postgres-url'] as string;
const database = `tb_bench_probe_${randomBytes(4).toString('hex')}`;
const secret = randomBytes(32).toString('hex');

type Mode = 'direct' | 'inject' | 'direct-limited' | 'inject-limited';

async function start(mode: Mode): Promise<TokoBapakServer> {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return createServer({
    plugins: [inventoryPlugin(), cartPlugin(), promotionPlugin()],
    database: { url: url.toString(), poolSize: 20 },
    secret,
    logLevel: 'warn',
    accessTokenTtl: 3600,
    directServiceCalls: mode.startsWith('direct'),
    embeddedMaintenanceIntervalMs: false,
    rateLimit: mode.endsWith('-limited') ? { max: 1_000_000_000, windowSeconds: 60 } : false,
  });
}

/** One request, as `app.inject` takes it. */
interface Injected {
  method: 'GET' | 'POST' | 'PATCH';
  url: string;
  headers?: Record<string, string>;
  payload?: object;
}

interface Seeded {
  variantIds: string[];
  readCarts: Array<{ id: string; token: string }>;
  addCarts: Array<{ id: string; token: string }>;
  /** Carts of three lines for change-quantity, with their line ids. */
  changeCarts: Array<{ id: string; token: string; lineIds: string[] }>;
}

async function seed(server: TokoBapakServer): Promise<Seeded> {
  const session = `ses_${'0'.repeat(26)}`;
  const storeId = newId('sto');
  const merchant = server.client({
    accessToken: server.tokens.signAccessToken({ userId: newId('usr'), role: 'customer', sessionId: session, storeId, storeRole: 'owner' }),
  });
  const variantIds: string[] = [];
  for (let index = 0; index < 3; index++) {
    const handle = `probe-${index}`;
    const product = await merchant.inventory.createProduct({
      body: {
        title: `Probe ${index}`,
        handle,
        categories: ['probe'],
        variants: [{ sku: handle.toUpperCase(), price: { amount: 10000 + index * 500, currency: 'IDR' }, weight: 250, stockOnHand: 100_000_000 }],
        status: 'active',
      },
    });
    variantIds.push(product.variants[0]?.id as string);
  }
  const admin = server.client({ accessToken: server.tokens.signAccessToken({ userId: newId('usr'), role: 'admin', sessionId: session }) });
  await admin.promotion.createPlatformDiscount({ body: { name: 'Probe: 10% off everything', type: 'percentage', percentage: 10 } });
  const guest = server.client();
  const cart = async (lines: number) => {
    const created = await guest.cart.createCart({ body: {} });
    const lineIds: string[] = [];
    for (let line = 0; line < lines; line++) {
      const answer = await guest.cart.addCartLine({
        params: { cartId: created.id },
        headers: { 'X-Cart-Token': created.token as string },
        body: { variantId: variantIds[line] as string, quantity: 1 },
      });
      const added = answer.stores.flatMap((store) => store.lines).find((candidate) => candidate.variantId === variantIds[line]);
      lineIds.push(added?.id as string);
    }
    return { id: created.id, token: created.token as string, lineIds };
  };
  const addCarts = [];
  for (let index = 0; index < 50; index++) addCarts.push(await cart(0));
  const changeCarts = [];
  for (let index = 0; index < 50; index++) changeCarts.push(await cart(3));
  const readCarts = [];
  for (let index = 0; index < readCartCount; index++) readCarts.push(await cart(3));
  return { variantIds, readCarts, addCarts, changeCarts };
}

/**
 * CPU microseconds the PostgreSQL backends serving the probe's database have used so far, read
 * from `/proc` (so only when PostgreSQL runs on this machine; undefined otherwise). The database
 * does half the work of a cart request on a two-core machine, so its share is worth watching too.
 */
async function databaseCpu(): Promise<number | undefined> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [database]);
    let ticks = 0;
    for (const { pid } of rows) {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    }
    return (ticks / 100) * 1e6; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  } finally {
    await client.end();
  }
}

/**
 * With `--cpu-prof <dir>`, profiles only the measured requests (not the start, seeding or warm-up)
 * and writes `<label>.cpuprofile` there, for Chrome DevTools or any `.cpuprofile` reader.
 */
async function profiled<T>(label: string, work: () => Promise<T>): Promise<T> {
  const dir = values['cpu-prof'];
  if (!dir) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(join(dir, `${label}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

/**
 * Microseconds of this process's CPU per request, statements sent per request, and microseconds of
 * the database backends' CPU per request, over `requests` requests with `concurrency` in flight.
 */
async function measure(server: TokoBapakServer, request: (n: number) => Injected, label: string): Promise<[number, number, number | undefined]> {
  let next = 0;
  const run = async (count: number) => {
    const worker = async () => {
      while (next < count) {
        const response = await server.app.inject(request(next++));
        if (response.statusCode >= 300) throw new Error(`${response.statusCode} ${response.body}`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
  await run(Math.min(100, requests));
  next = 0;
  const databaseBefore = await databaseCpu();
  const sent = statements;
  const before = process.cpuUsage();
  await profiled(label, () => run(requests));
  const used = process.cpuUsage(before);
  const sentNow = statements;
  const databaseAfter = await databaseCpu();
  const database = databaseBefore === undefined || databaseAfter === undefined ? undefined : (databaseAfter - databaseBefore) / requests;
  return [(used.user + used.system) / requests, (sentNow - sent) / requests, database];
}

await adminQuery(adminUrl, `create database ${database}`);
try {
  const seeder = await start('inject');
  const seeded = await seed(seeder);
  await seeder.close();
  const results: Record<string, Record<string, number[]>> = {};
  const statementCounts: Record<string, Record<string, number>> = {};
  const databaseResults: Record<string, Record<string, number[]>> = {};
  for (let round = 0; round < rounds; round++) {
    for (const mode of round % 2 === 0 ? modes : [...modes].reverse()) {
      const server = await start(mode);
      const figures: Record<string, [number, number, number | undefined]> = {};
      const scenarios: Record<string, (n: number) => Injected> = {
        'create-cart': () => ({ method: 'POST', url: '/cart/carts', payload: {} }),
        'add-line': (n) => {
          const cart = seeded.addCarts[n % seeded.addCarts.length] as { id: string; token: string };
          return {
            method: 'POST',
            url: `/cart/carts/${cart.id}/lines`,
            headers: { 'x-cart-token': cart.token },
            payload: { variantId: seeded.variantIds[n % 3] as string, quantity: 1 },
          };
        },
        'change-quantity': (n) => {
          const cart = seeded.changeCarts[n % seeded.changeCarts.length] as Seeded['changeCarts'][number];
          return {
            method: 'PATCH',
            url: `/cart/carts/${cart.id}/lines/${cart.lineIds[n % 3]}`,
            headers: { 'x-cart-token': cart.token },
            payload: { quantity: 1 + (n % 5) },
          };
        },
        'get-cart': (n) => {
          const cart = seeded.readCarts[n % seeded.readCarts.length] as { id: string; token: string };
          return { method: 'GET', url: `/cart/carts/${cart.id}`, headers: { 'x-cart-token': cart.token } };
        },
      };
      for (const [name, request] of Object.entries(scenarios))
        if (chosen.has(name)) figures[name] = await measure(server, request, `${mode}-${name}-${round + 1}`);
      await server.close();
      for (const [name, [value, count, databaseValue]] of Object.entries(figures)) {
        const byMode = results[name] ?? {};
        results[name] = byMode;
        byMode[mode] = [...(byMode[mode] ?? []), value];
        statementCounts[name] = { ...statementCounts[name], [mode]: count };
        const databaseByMode = databaseResults[name] ?? {};
        databaseResults[name] = databaseByMode;
        if (databaseValue !== undefined) databaseByMode[mode] = [...(databaseByMode[mode] ?? []), databaseValue];
        const databaseText = databaseValue === undefined ? '' : `, database ${databaseValue.toFixed(0)} µs CPU`;
        process.stderr.write(`round ${round + 1} ${mode} ${name}: ${value.toFixed(0)} µs CPU, ${count.toFixed(1)} statements per request${databaseText}\n`);
      }
    }
  }
  const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] as number;
  const range = (list: number[]) => `${median(list).toFixed(0)} (${Math.min(...list).toFixed(0)}–${Math.max(...list).toFixed(0)})`;
  process.stdout.write(
    `\n| request | ${modes.map((mode) => `${mode}: µs CPU per request, median (range); statements per request; database µs CPU per request`).join(' | ')} |\n|---|${modes.map(() => '---|').join('')}\n`,
  );
  for (const [name, byMode] of Object.entries(results)) {
    const cells = modes.map((mode) => {
      const list = byMode[mode] ?? [];
      const databaseList = databaseResults[name]?.[mode] ?? [];
      const databaseText = databaseList.length === 0 ? 'database not local' : `database ${range(databaseList)}`;
      return `${range(list)}, ${statementCounts[name]?.[mode]?.toFixed(1)} statements, ${databaseText}`;
    });
    process.stdout.write(`| ${name} | ${cells.join(' | ')} |\n`);
  }
} finally {
  await adminQuery(adminUrl, `drop database if exists ${database} with (force)`);
}

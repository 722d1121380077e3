/**
 * `pnpm bench:cart`: the cart on PostgreSQL against a bare Fastify + pg baseline doing only the
 * minimal SQL of the same requests (`bench/cart/bare-server.ts`), in the same run. Three
 * scenarios, each over many carts: create a guest cart, add a line with a platform promotion
 * active, read a cart (3 lines) with its totals. For each scenario, rounds of one measured run per
 * server, alternating which goes first, so whatever else the shared machine does falls on both;
 * the figure is TokoBapak's req/s as a share of the baseline's, per round, with the spread.
 *
 *   pnpm bench:cart --duration 5 --rounds 3 --connections 20 --carts 500
 *   pnpm bench:cart --runtime dist         # the packages' builds on plain node (pnpm build first)
 *   pnpm bench:cart --scenarios add-line --cpu-prof /tmp/prof   # TokoBapak's server under a CPU profiler (written when it stops; seeding included)
 *
 * `--runtime src` (the default) loads the packages from their sources through tsx, as the earlier
 * cart figures were taken; `dist` is what `tokobapak start` runs.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createClient, type TokoBapakClient } from '@tokobapak/sdk';
import { createTokenService, newId } from '@tokobapak/server';
import { adminQuery } from './bench-database.js';
import { checkDistBuilds } from './dist-check.js';
import { type EntryRuntime, type RunningEntry, startEntry } from './entry-process.js';
import { runScenario, type ScenarioResult } from './load.js';
import { JSON_HEADERS, type Scenario, Tally } from './scenarios/scenario.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '20' },
    carts: { type: 'string', default: '500' },
    variants: { type: 'string', default: '50' },
    runtime: { type: 'string', default: 'src' },
    scenarios: { type: 'string', default: 'create-cart,add-line,get-cart' },
    'cpu-prof': { type: 'string' },
    'postgres-url': { type: 'string', default: process.env.TOKOBAPAK_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const duration = Number(values.duration);
const rounds = Math.max(1, Number(values.rounds));
const connections = Number(values.connections);
const cartCount = Number(values.carts);
const variantCount = Number(values.variants);
if (values.runtime !== 'src' && values.runtime !== 'dist') throw new Error(`--runtime: "src" or "dist", not "${values.runtime}"`);
const runtime = values.runtime as EntryRuntime;
const PLUGINS = ['inventory', 'cart', 'promotion'];
const SCENARIOS = ['create-cart', 'add-line', 'get-cart'] as const;
const chosen = (values.scenarios as string).split(',');
for (const name of chosen) if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`--scenarios: ${SCENARIOS.join(', ')}, not "${name}"`);
const profileDir = values['cpu-prof'];
const log = (message: string) => process.stderr.write(`${message}\n`);

interface Seeded {
  variantIds: string[];
  /** Empty carts for add-line, with their tokens. */
  addCarts: Array<{ id: string; token: string }>;
  /** Carts of three lines for get-cart. */
  readCarts: Array<{ id: string; token: string }>;
}

async function seed(url: string, secret: string): Promise<Seeded> {
  const tokens = createTokenService({ secret, accessTokenTtl: 3600 });
  const session = `ses_${'0'.repeat(26)}`;
  const client = (accessToken?: string): TokoBapakClient => createClient({ baseUrl: url, autoRefresh: false, ...(accessToken ? { accessToken } : {}) });
  const stores = [newId('sto'), newId('sto'), newId('sto')];
  const variantIds: string[] = [];
  for (let index = 0; index < variantCount; index++) {
    const storeId = stores[index % stores.length] as string;
    const merchant = client(tokens.signAccessToken({ userId: newId('usr'), role: 'customer', sessionId: session, storeId, storeRole: 'owner' }));
    const handle = `barang-bench-${index}`;
    const product = await merchant.inventory.createProduct({
      body: {
        title: `Barang ${index}`,
        handle,
        categories: ['bench'],
        variants: [{ sku: handle.toUpperCase(), price: { amount: 10000 + index * 500, currency: 'IDR' }, weight: 250, stockOnHand: 100_000_000 }],
        status: 'active',
      },
    });
    variantIds.push(product.variants[0]?.id as string);
  }
  const admin = client(tokens.signAccessToken({ userId: newId('usr'), role: 'admin', sessionId: session }));
  await admin.promotion.createPlatformDiscount({ body: { name: 'Bench: 10% off everything', type: 'percentage', percentage: 10 } });
  const guest = client();
  const createCarts = async (count: number, lines: number) => {
    const carts = [];
    for (let index = 0; index < count; index++) {
      const cart = await guest.cart.createCart({ body: {} });
      const headers = { 'X-Cart-Token': cart.token as string };
      for (let line = 0; line < lines; line++)
        await guest.cart.addCartLine({
          params: { cartId: cart.id },
          headers,
          body: { variantId: variantIds[(index + line) % variantIds.length] as string, quantity: 1 },
        });
      carts.push({ id: cart.id, token: cart.token as string });
    }
    return carts;
  };
  return { variantIds, addCarts: await createCarts(cartCount, 0), readCarts: await createCarts(cartCount, 3) };
}

function scenario(
  name: string,
  description: string,
  build: (counter: number) => { method: string; path: string; headers?: Record<string, string>; body?: string },
): Scenario {
  const tally = new Tally();
  let counter = 0;
  return {
    name: name as Scenario['name'],
    description,
    requests: [
      {
        setupRequest: (request) => {
          const built = build(counter++);
          return {
            ...request,
            method: built.method,
            path: built.path,
            headers: { ...JSON_HEADERS, ...built.headers },
            ...(built.body ? { body: built.body } : {}),
          };
        },
        onResponse: (status, body) => {
          if (status >= 300) tally.addResponse(status, body);
        },
      },
    ],
    anomalies: () => tally.counts,
  };
}

function scenarios(seeded: Seeded, bare: boolean) {
  const token = (cart: { token: string }): Record<string, string> => (bare ? {} : { 'x-cart-token': cart.token });
  return {
    'create-cart': scenario('create-cart', 'POST /cart/carts (a guest cart)', () => ({ method: 'POST', path: '/cart/carts', body: '{}' })),
    'add-line': scenario('add-line', `POST /cart/carts/{id}/lines, ${seeded.addCarts.length} carts in turn, a platform promotion active`, (n) => {
      const cart = seeded.addCarts[n % seeded.addCarts.length] as { id: string; token: string };
      const variantId = seeded.variantIds[(n * 7) % seeded.variantIds.length] as string;
      return { method: 'POST', path: `/cart/carts/${cart.id}/lines`, headers: token(cart), body: JSON.stringify({ variantId, quantity: 1 }) };
    }),
    'get-cart': scenario('get-cart', `GET /cart/carts/{id}, ${seeded.readCarts.length} carts of 3 lines in turn, with totals`, (n) => {
      const cart = seeded.readCarts[n % seeded.readCarts.length] as { id: string; token: string };
      return { method: 'GET', path: `/cart/carts/${cart.id}`, headers: token(cart) };
    }),
  };
}

/**
 * Milliseconds of the server process's CPU per request: on a shared machine the req/s move with
 * what else runs, while the CPU a request costs moves much less.
 */
function cpuPerRequest(result: ScenarioResult): number {
  return (result.cpu.server / result.requestsPerSecond) * 1000;
}

const TARGETS: Record<string, { rps: number; share: number; p99?: number }> = {
  'create-cart': { rps: 3000, share: 0.5 },
  'add-line': { rps: 600, share: 0.5, p99: 100 },
  'get-cart': { rps: 2000, share: 0.5 },
};

const database = `tb_bench_cart_${randomBytes(4).toString('hex')}`;
const adminUrl = values['postgres-url'] as string;
await adminQuery(adminUrl, `create database ${database}`);
const dbUrl = new URL(adminUrl);
dbUrl.pathname = `/${database}`;
const secret = randomBytes(32).toString('hex');
const servers: RunningEntry[] = [];
try {
  if (runtime === 'dist') for (const warning of await checkDistBuilds(PLUGINS)) log(`WARNING ${warning}`);
  const ours = await startEntry(
    import.meta.url,
    './cart/server.ts',
    ['--db-url', dbUrl.toString(), '--pool-size', '20', '--secret', secret],
    profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    runtime,
  );
  servers.push(ours);
  log(`seeding ${variantCount} variants and ${cartCount * 2} carts…`);
  const seeded = await seed(ours.url, secret);
  const bare = await startEntry(import.meta.url, './cart/bare-server.ts', ['--db-url', dbUrl.toString(), '--pool-size', '20'], [], runtime);
  servers.push(bare);
  const load = { connections, duration, warmup: Number(values.warmup), quietWait: 2, attempts: 1 };
  const table: string[] = [];
  for (const name of SCENARIOS.filter((scenario) => chosen.includes(scenario))) {
    const results: Array<{ ours: ScenarioResult; bare: ScenarioResult; ratio: number }> = [];
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 === 1 ? (['ours', 'bare'] as const) : (['bare', 'ours'] as const);
      const measured: Partial<Record<'ours' | 'bare', ScenarioResult>> = {};
      for (const which of order) {
        const server = which === 'ours' ? ours : bare;
        measured[which] = await runScenario(scenarios(seeded, which === 'bare')[name], { ...load, url: server.url, serverPid: server.pid });
      }
      const mine = measured.ours as ScenarioResult;
      const theirs = measured.bare as ScenarioResult;
      const ratio = mine.requestsPerSecond / theirs.requestsPerSecond;
      results.push({ ours: mine, bare: theirs, ratio });
      log(
        `${name} round ${round}: ours ${mine.requestsPerSecond.toFixed(0)} req/s p99 ${mine.latencyMs.p99} ms (non-2xx ${mine.non2xx}) server CPU ${cpuPerRequest(mine).toFixed(3)} ms/req, bare ${theirs.requestsPerSecond.toFixed(0)} req/s p99 ${theirs.latencyMs.p99} ms server CPU ${cpuPerRequest(theirs).toFixed(3)} ms/req: ${ratio.toFixed(2)}×, other work ${mine.otherCores.toFixed(2)}/${theirs.otherCores.toFixed(2)} cores`,
      );
    }
    const ratios = results.map((result) => result.ratio).sort((a, b) => a - b);
    const rps = results.map((result) => result.ours.requestsPerSecond).sort((a, b) => a - b);
    const p99 = results.map((result) => result.ours.latencyMs.p99).sort((a, b) => a - b);
    const bareRps = results.map((result) => result.bare.requestsPerSecond).sort((a, b) => a - b);
    const cpu = results.map((result) => cpuPerRequest(result.ours)).sort((a, b) => a - b);
    const bareCpu = results.map((result) => cpuPerRequest(result.bare)).sort((a, b) => a - b);
    const median = (list: number[]) => list[Math.floor(list.length / 2)] as number;
    const target = TARGETS[name] as { rps: number; share: number; p99?: number };
    table.push(
      `| ${name} | ${median(rps).toFixed(0)} (${rps[0]?.toFixed(0)}–${rps[rps.length - 1]?.toFixed(0)}) | ≥ ${target.rps} | ${median(p99)} ms (${p99[0]}–${p99[p99.length - 1]})${target.p99 ? ` / ≤ ${target.p99}` : ''} | ${median(bareRps).toFixed(0)} | ${median(ratios).toFixed(2)} (${ratios[0]?.toFixed(2)}–${ratios[ratios.length - 1]?.toFixed(2)}) | ≥ ${target.share} | ${median(cpu).toFixed(2)} (${cpu[0]?.toFixed(2)}–${cpu[cpu.length - 1]?.toFixed(2)}) / ${median(bareCpu).toFixed(2)} |`,
    );
  }
  process.stdout.write(
    `\n| scenario | TokoBapak req/s, median (range) | target | p99 (range) | bare req/s | share of bare, median (range) | target | server CPU ms per request, median (range) / bare |\n|---|---|---|---|---|---|---|---|\n${table.join('\n')}\n`,
  );
} finally {
  for (const server of servers.reverse()) await server.stop();
  await adminQuery(adminUrl, `drop database if exists ${database} with (force)`);
}

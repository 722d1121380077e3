/**
 * `pnpm bench:relay`: how long the in-process event relay takes to catch up after a bulk import.
 * Writes what importing products publishes (by default 200,000 events: per product a
 * `product-created` and three `stock-changed`, a `product-sold-out` for every twentieth, and a few
 * merchant and user events mixed in) into the outbox of a fresh PostgreSQL database, then times
 * `drain()` of a relay running the seven consumers of the six services, with the types they
 * subscribe to and writes of the same shape. See docs/performance.md.
 *
 *   pnpm bench:relay                          # 200,000 events, one run
 *   pnpm bench:relay --events 20000 --runs 3
 *   pnpm bench:relay --postgres-url postgres://postgres@127.0.0.1:5432/postgres
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { type Kysely, sql } from 'kysely';
import { openDatabase } from '../packages/server/src/database.js';
import {
  type Consumer,
  createInProcessRelay,
  type EventEnvelope,
  eventsMigration,
  type NewEvent,
  writeManyToOutbox,
} from '../packages/server/src/events/index.js';
import { adminQuery } from './bench-database.js';

type Db = Kysely<any>;

const { values: flags } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    runs: { type: 'string', default: '1' },
    'postgres-url': { type: 'string', default: process.env.TOKOBAPAK_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
    'products-per-transaction': { type: 'string', default: '1000' },
  },
});
const EVENTS = Number(flags.events);
const RUNS = Number(flags.runs);
const PER_TRANSACTION = Number(flags['products-per-transaction']);

/** The events one imported product publishes, and now and then an event of another service. */
function productEvents(n: number): NewEvent<unknown>[] {
  const productId = `prod_${n.toString().padStart(26, '0')}`;
  const storeId = `sto_${(n % 50).toString().padStart(26, '0')}`;
  const events: NewEvent<unknown>[] = [];
  for (let v = 0; v < 3; v++) {
    events.push({ type: 'inventory.stock-changed', subject: `var_${n}_${v}`, data: { productId, storeId, variantId: `var_${n}_${v}`, available: 10 } });
  }
  events.push({ type: 'inventory.product-created', subject: productId, data: { productId, storeId } });
  if (n % 20 === 0) events.push({ type: 'inventory.product-sold-out', subject: productId, data: { productId, storeId, imageIds: [`img_${n}`] } });
  if (n % 500 === 0) events.push({ type: n % 1000 === 0 ? 'merchant.store-suspended' : 'merchant.store-reinstated', subject: storeId, data: { storeId } });
  if (n % 2000 === 0) {
    const userId = `usr_${n}`;
    events.push({ type: 'user.deleted', subject: userId, data: { userId } });
    events.push({ type: 'merchant.staff-removed', subject: storeId, data: { storeId, userId } });
    events.push({ type: 'user.deletion-acknowledged', subject: userId, data: { userId, service: 'auth' } });
  }
  return events;
}

/** The consumers of the six services, with their types and one state write of the same shape each. */
function consumers(): Consumer[] {
  const upsert = (table: string) => async (event: EventEnvelope, trx: Db) => {
    await sql`
      insert into bench.${sql.raw(table)} (subject, type, changed_at) values (${event.subject}, ${event.type}, ${event.time})
      on conflict (subject) do update set type = excluded.type, changed_at = excluded.changed_at
    `.execute(trx);
  };
  return [
    { name: 'auth.user-deleted', types: ['user.deleted'], handle: upsert('auth_users') },
    { name: 'auth.staff-removed', types: ['merchant.staff-removed'], handle: upsert('auth_staff') },
    { name: 'auth.store-status', types: ['merchant.store-suspended', 'merchant.store-reinstated'], handle: upsert('auth_stores') },
    {
      name: 'image-proxy.track-sold-out-images',
      types: ['inventory.product-sold-out', 'inventory.product-back-in-stock'],
      // As image-proxy's consumer: read the last change, upsert it, replace the product's images.
      async handle(event, trx) {
        const data = event.data as { productId: string; storeId: string; imageIds: string[] };
        await sql`select changed_at from bench.product_stock where product_id = ${data.productId}`.execute(trx);
        const soldOut = event.type === 'inventory.product-sold-out';
        await sql`
          insert into bench.product_stock (product_id, sold_out, changed_at) values (${data.productId}, ${soldOut}, ${event.time})
          on conflict (product_id) do update set sold_out = excluded.sold_out, changed_at = excluded.changed_at
        `.execute(trx);
        await sql`delete from bench.sold_out_images where product_id = ${data.productId}`.execute(trx);
        if (soldOut) {
          const rows = data.imageIds.map((imageId) => sql`(${imageId}, ${data.productId}, ${data.storeId})`);
          await sql`insert into bench.sold_out_images (image_id, product_id, store_id) values ${sql.join(rows)}`.execute(trx);
        }
      },
    },
    { name: 'inventory.store-status', types: ['merchant.store-suspended', 'merchant.store-reinstated'], handle: upsert('inventory_stores') },
    { name: 'merchant.user-deleted', types: ['user.deleted'], handle: upsert('merchant_users') },
    { name: 'user.deletion-acknowledged', types: ['user.deletion-acknowledged'], handle: upsert('user_acknowledgements') },
  ];
}

async function prepare(db: Db): Promise<{ events: number; deliveries: number }> {
  await eventsMigration.up(db);
  await sql`create schema bench`.execute(db);
  for (const table of ['auth_users', 'auth_staff', 'auth_stores', 'inventory_stores', 'merchant_users', 'user_acknowledgements']) {
    await sql`create table bench.${sql.raw(table)} (subject text primary key, type text not null, changed_at timestamptz not null)`.execute(db);
  }
  await sql`create table bench.product_stock (product_id text primary key, sold_out boolean not null, changed_at timestamptz not null)`.execute(db);
  await sql`create table bench.sold_out_images (image_id text not null, product_id text not null, store_id text not null)`.execute(db);
  await sql`create index on bench.sold_out_images (product_id)`.execute(db);

  const wanted = new Map<string, number>();
  for (const consumer of consumers()) for (const type of consumer.types) wanted.set(type, (wanted.get(type) ?? 0) + 1);
  let events = 0;
  let deliveries = 0;
  let product = 0;
  while (events < EVENTS) {
    const batch: NewEvent<unknown>[] = [];
    for (let i = 0; i < PER_TRANSACTION && events + batch.length < EVENTS; i++) batch.push(...productEvents(product++));
    batch.splice(EVENTS - events);
    await db.transaction().execute((trx) => writeManyToOutbox(trx, 'inventory', batch));
    events += batch.length;
    for (const event of batch) deliveries += wanted.get(event.type) ?? 0;
  }
  await sql`analyze`.execute(db);
  return { events, deliveries };
}

interface RunResult {
  events: number;
  deliveries: number;
  seconds: number;
}

async function run(adminUrl: string): Promise<RunResult> {
  const name = `tb_bench_relay_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString() });
  try {
    const db = database.db as Db;
    const { events, deliveries } = await prepare(db);
    const quiet = { info() {}, warn() {}, error: (details: Record<string, unknown>, message: string) => console.error(message, details) };
    const relay = createInProcessRelay({ db, consumers: consumers(), retentionMs: false, log: quiet });
    const started = process.hrtime.bigint();
    await relay.drain(60 * 60_000);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await relay.stop();
    const handled = await sql<{ n: number }>`select count(*)::int as n from tokobapak.processed_events`.execute(db);
    if (handled.rows[0]?.n !== deliveries) throw new Error(`expected ${deliveries} deliveries, the consumers recorded ${handled.rows[0]?.n}`);
    return { events, deliveries, seconds };
  } finally {
    await database.close();
    await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
  }
}

const CONSUMERS = consumers().length;
const results: RunResult[] = [];
for (let i = 1; i <= RUNS; i++) {
  const result = await run(flags['postgres-url']);
  results.push(result);
  const rate = (result.events * CONSUMERS) / result.seconds;
  console.log(
    `run ${i}: ${result.events.toLocaleString('en')} events × ${CONSUMERS} consumers (${result.deliveries.toLocaleString('en')} handled) caught up in ${result.seconds.toFixed(1)} s: ${Math.round(rate).toLocaleString('en')} consumer-events/s`,
  );
}
const seconds = results.map((result) => result.seconds).sort((a, b) => a - b);
const median = seconds[Math.floor(seconds.length / 2)] as number;
console.log(
  `catch-up: median ${median.toFixed(1)} s, min ${seconds[0]?.toFixed(1)} s, max ${seconds.at(-1)?.toFixed(1)} s over ${RUNS} run(s); ${Math.round(((results[0]?.events ?? 0) * CONSUMERS) / median).toLocaleString('en')} consumer-events/s at the median`,
);

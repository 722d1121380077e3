import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { definePlugin, type EventEnvelope, type PluginContext, type PluginManifest } from '../../src/index.js';
import { createTestServer, type TestServer } from '../../src/testing/index.js';

// A producer without a manifest (it may publish anything, as a buggy or older producer could) and a
// consumer whose manifest carries the producer's schema of `shop.order-placed`.
interface ConsumerEvents {
  publishes: Record<never, never>;
  consumes: { 'shop.order-placed': { orderId: string; total: number } };
}
const manifest: PluginManifest<ConsumerEvents> = {
  service: 'ledger',
  publishes: [],
  consumes: ['shop.order-placed'],
  consumedSchemas: {
    'shop.order-placed': { type: 'object', required: ['orderId', 'total'], properties: { orderId: { type: 'string' }, total: { type: 'integer' } } },
  },
};
const emptySpec = (title: string) => ({ openapi: '3.1.0', info: { title, version: '0' }, paths: {} });

let server: TestServer;
let shop: PluginContext<unknown> | undefined;
const handled: Array<EventEnvelope<{ orderId: string; total: number }>> = [];

beforeAll(async () => {
  const producer = definePlugin<Record<string, never>, unknown>({
    name: 'shop',
    summary: 'Publishes orders',
    spec: emptySpec('shop'),
    handlers: {},
    migrations: {},
    async onStart(ctx) {
      shop = ctx;
    },
  });
  const consumer = definePlugin<Record<string, never>, unknown, ConsumerEvents>({
    name: 'ledger',
    summary: 'Books orders',
    spec: emptySpec('ledger'),
    manifest,
    handlers: {},
    migrations: {},
    subscriptions: [
      {
        name: 'book-orders',
        types: ['shop.order-placed'],
        async handle(event) {
          handled.push(event);
        },
      },
    ],
  });
  server = await createTestServer({ plugins: [producer, consumer] });
});
afterAll(async () => {
  await server?.close();
});

const publish = (data: unknown) => shop?.transaction((tx) => tx.publish({ type: 'shop.order-placed', subject: 'ord_1', data }));

describe('consumed payloads are checked against the producer’s schema', () => {
  test('a payload that fails goes straight to the dead letters with the schema error, and later events still arrive', async () => {
    await publish({ orderId: 'ord_1', total: '12' });
    await publish({ orderId: 'ord_2', total: 12 });
    await server.relay.drain();

    expect(handled.map((event) => event.data)).toEqual([{ orderId: 'ord_2', total: 12 }]);
    const { rows } = await sql<{ consumer: string; type: string; data: unknown; attempts: number; last_error: string }>`
      select consumer, type, data, attempts, last_error from tokobapak.dead_letters
    `.execute(server.database.db);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ consumer: 'ledger.book-orders', type: 'shop.order-placed', data: { orderId: 'ord_1', total: '12' }, attempts: 1 });
    expect(rows[0]?.last_error).toContain('does not match its payload schema: data/total must be integer');
    // Dead-lettered at the first failure: no retry is waiting, none will run.
    const retries = await sql<{ n: number }>`select count(*)::int as n from tokobapak.consumer_retries`.execute(server.database.db);
    expect(retries.rows[0]?.n).toBe(0);
  });

  test('a missing field is named', async () => {
    await publish({ total: 3 });
    await server.relay.drain();
    const { rows } = await sql<{ last_error: string }>`select last_error from tokobapak.dead_letters order by id desc limit 1`.execute(server.database.db);
    expect(rows[0]?.last_error).toContain("data must have required property 'orderId'");
  });
});

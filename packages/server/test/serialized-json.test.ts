import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Database } from '../src/database.js';
import { jsonArrayText, schemaJsonArray, schemaJsonObject, serializedJson } from '../src/index.js';
import { createTestServer, openTestDatabase, type TestServer } from '../src/testing/index.js';
import { echoPlugin } from './fixtures/echo-plugin.js';

const MONEY = { type: 'object', required: ['amount', 'currency'], properties: { amount: { type: 'integer' }, currency: { type: 'string' } } };
const LINE = { type: 'object', properties: { sku: { type: 'string' }, price: MONEY } };
const ORDER = { type: 'object', properties: { id: { type: 'string' }, total: MONEY, lines: { type: 'array', items: LINE } } };

describe('schemaJsonObject', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  test('builds exactly the schema in SQL, nested objects from their own schemas', async () => {
    const line = schemaJsonObject(LINE, {
      sku: sql`l.sku`,
      price: schemaJsonObject(MONEY, { amount: sql`l.amount`, currency: sql`'IDR'::text` }),
    });
    const order = schemaJsonObject(ORDER, {
      id: sql`'ord_1'::text`,
      total: schemaJsonObject(MONEY, { amount: sql`15000::bigint`, currency: sql`'IDR'::text` }),
      lines: schemaJsonArray(line, (item) => sql`(select ${jsonArrayText(item, sql`l.sku`)} from (values ('a', 5000), ('b', 10000)) l(sku, amount))`),
    });
    const { rows } = await sql<{ text: string }>`select ${order.expression} as text`.execute(database.db);
    // Compact, in the schema's order.
    expect(rows[0]?.text).toBe(
      '{"id":"ord_1","total":{"amount":15000,"currency":"IDR"},"lines":[{"sku":"a","price":{"amount":5000,"currency":"IDR"}},{"sku":"b","price":{"amount":10000,"currency":"IDR"}}]}',
    );
    expect(JSON.parse(rows[0]?.text as string)).toEqual({
      id: 'ord_1',
      total: { amount: 15000, currency: 'IDR' },
      lines: [
        { sku: 'a', price: { amount: 5000, currency: 'IDR' } },
        { sku: 'b', price: { amount: 10000, currency: 'IDR' } },
      ],
    });
  });

  test('refuses a field the schema does not have, a missing one, and a nested object given as plain SQL', () => {
    const money = { amount: sql`1`, currency: sql`'IDR'` };
    expect(() => schemaJsonObject(MONEY, { ...money, passwordHash: sql`'x'` })).toThrow(/passwordHash not in the schema/);
    expect(() => schemaJsonObject(MONEY, { amount: sql`1` })).toThrow(/no field for currency/);
    expect(() => schemaJsonObject(LINE, { sku: sql`'a'`, price: sql`json_build_object('amount', 1, 'currency', 'IDR', 'cost', 2)` })).toThrow(
      /price must be built from its own schema/,
    );
    // An object built from another schema (one with an extra property) is refused too.
    const wider = { ...MONEY, properties: { ...MONEY.properties, cost: { type: 'integer' } } };
    expect(() => schemaJsonObject(LINE, { sku: sql`'a'`, price: schemaJsonObject(wider, { ...money, cost: sql`2` }) })).toThrow(/price must be built/);
    expect(() =>
      schemaJsonObject(ORDER, {
        id: sql`'o'`,
        total: schemaJsonObject(MONEY, money),
        lines: sql`'[]'::json`,
      }),
    ).toThrow(/lines must be built from its own schema/);
  });
});

describe('a SerializedJson response', () => {
  let body = '';
  let server: TestServer;
  beforeAll(async () => {
    const plugin = echoPlugin();
    server = await createTestServer({ plugins: [echoPlugin({ handlers: { ...plugin.handlers, leaky: async () => serializedJson(body) } })] });
  });
  afterAll(async () => {
    await server?.close();
  });

  test('is sent as it is, as JSON', async () => {
    body = '{"id":1,"name":"x","quantity":2,"note":null}';
    const response = await server.app.inject({ method: 'GET', url: '/echo/leaky' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body).toBe(body);
  });

  test('is refused, in test servers, when the schema serializer would drop a field or change a value', async () => {
    for (const leaky of ['{"id":1,"name":"x","quantity":2,"passwordHash":"$argon2id$secret"}', '{"id":1,"name":"x","quantity":"2"}']) {
      body = leaky;
      const response = await server.app.inject({ method: 'GET', url: '/echo/leaky' });
      expect(response.statusCode, leaky).toBe(500);
      expect(response.body).not.toContain('argon2');
    }
  });
});

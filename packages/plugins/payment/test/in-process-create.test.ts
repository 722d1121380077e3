import { randomUUID } from 'node:crypto';
import { definePlugin, type PluginContext } from '@tokobapak/server';
import { createTestServer, expectProblem, type TestServer } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { paymentPlugin } from '../src/index.js';
import { countRows, orderService, paymentInput, person, SANDBOX_SECRET } from './support.js';

// `createPayment` is idempotent by its `reference` (`x-idempotent-by`): a service loaded in the same
// server that calls it in process without a key makes no idempotency record, the reference being
// its key, while a key it gives, and a client's over HTTP, keep the `Idempotency-Key` contract.
// Either way money moves once.

let server: TestServer;
let caller: PluginContext<unknown>;

beforeAll(async () => {
  server = await createTestServer({
    plugins: [
      paymentPlugin({ env: {}, sandbox: { webhookSecret: SANDBOX_SECRET }, reconcileIntervalSeconds: 3600 }),
      // Stands in for the order service: it calls createPayment as a service, in process.
      definePlugin<any, any>({
        name: 'payment-caller',
        summary: 'calls the payment service in process',
        spec: { openapi: '3.1.0', info: { title: 'payment caller', version: '0' }, paths: {} },
        migrations: {},
        handlers: {},
        async onStart(ctx) {
          caller = ctx;
        },
      }),
    ],
  });
});
afterAll(async () => {
  await server?.close();
});

/** Every idempotency record kept. */
async function allRecords(): Promise<number> {
  const result = await sql<{ n: number }>`select count(*)::int as n from tokobapak.idempotency_keys`.execute(server.database.db);
  return result.rows[0]?.n ?? 0;
}

/** The idempotency records kept under `key`, whoever's. */
async function records(key: string): Promise<number> {
  const result = await sql<{ n: number }>`select count(*)::int as n from tokobapak.idempotency_keys where key = ${key}`.execute(server.database.db);
  return result.rows[0]?.n ?? 0;
}

describe('createPayment called in process by another service', () => {
  test('ten concurrent calls with one reference and no key make one payment and one charge, every call answered, nothing recorded', async () => {
    const input = paymentInput(person(server).userId);
    const before = await allRecords();
    const answers = await Promise.all(Array.from({ length: 10 }, () => caller.clients.payment.createPayment({ body: input })));
    expect(new Set(answers.map((payment) => payment.id)).size).toBe(1);
    expect(answers.every((payment) => payment.instructions?.vaNumber === answers[0]?.instructions?.vaNumber)).toBe(true);
    expect(await countRows(server, 'payments', 'reference', input.reference)).toBe(1);
    expect(await countRows(server, 'sandbox_transactions', 'order_id', answers[0]?.id ?? '')).toBe(1);
    expect(await allRecords()).toBe(before);
  });

  test('a key the caller gives is kept as over HTTP: recorded, replayed, and refused for another reference', async () => {
    const input = paymentInput(person(server).userId);
    const key = randomUUID();
    const first = await caller.clients.payment.createPayment({ body: input, idempotencyKey: key });
    expect(await records(key)).toBe(1);
    expect(await caller.clients.payment.createPayment({ body: input, idempotencyKey: key })).toEqual(first);
    const other = paymentInput(person(server).userId);
    await expectProblem(caller.clients.payment.createPayment({ body: other, idempotencyKey: key }), 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(await countRows(server, 'payments', 'reference', other.reference)).toBe(0);
  });

  test('the reference with another amount, customer or method is refused as a conflict', async () => {
    const input = paymentInput(person(server).userId);
    await caller.clients.payment.createPayment({ body: input });
    // (Another currency is refused before that: the sandbox takes IDR only.)
    for (const other of [{ amount: { amount: 1, currency: 'IDR' } }, { customerId: null }, { method: { type: 'qris' as const } }]) {
      await expectProblem(caller.clients.payment.createPayment({ body: { ...input, ...other } }), 409, 'PAYMENT_REFERENCE_MISMATCH');
    }
    expect(await countRows(server, 'payments', 'reference', input.reference)).toBe(1);
  });
});

describe('createPayment over HTTP', () => {
  test('keeps the Idempotency-Key contract: the key is recorded, replayed, and refused for another request', async () => {
    const input = paymentInput(person(server).userId);
    const key = randomUUID();
    const first = await orderService(server).payment.createPayment({ body: input, idempotencyKey: key });
    expect(await records(key)).toBe(1);
    expect(await orderService(server).payment.createPayment({ body: input, idempotencyKey: key })).toEqual(first);
    await expectProblem(orderService(server).payment.createPayment({ body: paymentInput(null), idempotencyKey: key }), 422, 'IDEMPOTENCY_KEY_REUSED');
  });
});

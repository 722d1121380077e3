import { decodeCursor } from '@tokobapak/server';
import { customerSession, expectProblem, storeSession, type TestServer } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { MidtransFixture } from './midtrans-fixture.js';
import { orderService, paymentInput, paymentStatements, person, type Schemas, startMidtransStore } from './support.js';

// `listPayments` through the SDK, on a store using the Midtrans adapter against the local
// Midtrans-speaking server, which here refuses to refund bank transfers as Midtrans does: a checkout
// undone after the customer paid by virtual account leaves a `failed` refund and the money in the
// payment, and that payment is what `refundFailed=true` lists until it holds nothing.

const SERVER_KEY = 'SB-Mid-server-listing-key';
let server: TestServer;
let midtrans: MidtransFixture;

beforeAll(async () => {
  ({ server, midtrans } = await startMidtransStore(SERVER_KEY));
  midtrans.refusedRefundTypes.add('bank_transfer');
});
afterAll(async () => {
  await server?.close();
  await midtrans?.close();
});

const order = () => orderService(server).payment;
const admin = () => person(server, 'admin').client.payment;

/** Every payment id in the store, newest first, read straight from the table. */
async function storedIds(): Promise<string[]> {
  const result = await sql<{ id: string }>`select id from payment.payments order by id desc`.execute(server.database.db);
  return result.rows.map((row) => row.id);
}

/** A payment the customer paid at Midtrans, then voided: the store learns it was paid and refunds it in full. */
async function paidThenVoided(method: Schemas['PaymentMethod']) {
  const input = paymentInput(null, { method });
  const payment = await order().createPayment({ body: input });
  midtrans.setStatus(payment.id, 'settlement');
  return { payment, voiding: order().voidPayment({ body: { reference: input.reference, reason: 'checkout undone' } }) };
}

describe('listing payments as an admin', () => {
  test('a refund Midtrans refuses puts the payment on the refundFailed list, until it holds nothing', async () => {
    const pending = await order().createPayment({ body: paymentInput(null) });
    const stuck = await paidThenVoided({ type: 'virtual_account', bank: 'bni' });
    await expectProblem(stuck.voiding, 422, 'PAYMENT_PROVIDER_REFUSED');
    const refunded = await paidThenVoided({ type: 'qris' });
    expect((await refunded.voiding).payment?.status).toBe('refunded');

    const needsPerson = await admin().listPayments({ query: { refundFailed: true } });
    expect(needsPerson.items.map((payment) => payment.id)).toEqual([stuck.payment.id]);
    expect(needsPerson.nextCursor).toBeNull();
    // The item is the payment as getPayment answers it, history and refunds included.
    const [item] = needsPerson.items;
    expect(item).toEqual(await order().getPayment({ params: { paymentId: stuck.payment.id } }));
    expect(item).toMatchObject({
      status: 'paid',
      refundedAmount: { amount: 0 },
      refunds: [{ status: 'failed', amount: { amount: 150_000, currency: 'IDR' } }],
    });

    // Filters by status, alone and with refundFailed.
    const ids = async (query: Parameters<ReturnType<typeof admin>['listPayments']>[0]) =>
      (await admin().listPayments(query)).items.map((payment) => payment.id);
    expect(await ids({ query: { status: 'pending', limit: 100 } })).toContain(pending.id);
    expect(await ids({ query: { status: 'pending', limit: 100 } })).not.toContain(stuck.payment.id);
    expect(await ids({ query: { status: 'refunded', limit: 100 } })).toEqual([refunded.payment.id]);
    expect(await ids({ query: { status: 'paid', refundFailed: true } })).toEqual([stuck.payment.id]);
    expect(await ids({ query: { status: 'pending', refundFailed: true } })).toEqual([]);
    expect(await ids({ query: { refundFailed: false, limit: 100 } })).toEqual(await storedIds());

    // Once the gateway takes the money back (here: it refunds bank transfers again), nothing is left to settle.
    midtrans.refusedRefundTypes.delete('bank_transfer');
    const settled = await order().refundPayment({
      params: { paymentId: stuck.payment.id },
      body: { amount: { amount: 150_000, currency: 'IDR' }, reason: 'settled by hand' },
      idempotencyKey: 'operator-settles-1',
    });
    midtrans.refusedRefundTypes.add('bank_transfer');
    expect(settled.status).toBe('refunded');
    expect((await admin().listPayments({ query: { refundFailed: true } })).items).toEqual([]);
  });

  test('pagination walks every payment once, newest first, one statement a page', async () => {
    for (let i = 0; i < 7; i++) await order().createPayment({ body: paymentInput(null, { method: { type: 'qris' } }) });
    const walked: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const { result: page, statements } = await paymentStatements(server, () => admin().listPayments({ query: { limit: 3, ...(cursor ? { cursor } : {}) } }));
      expect(statements).toHaveLength(1);
      expect(page.items.length).toBeLessThanOrEqual(3);
      walked.push(...page.items.map((payment) => payment.id));
      cursor = page.nextCursor ?? undefined;
      if (cursor) expect(decodeCursor(cursor)).toBe(walked.at(-1));
      pages++;
    } while (cursor);
    const stored = await storedIds();
    expect(stored.length).toBeGreaterThanOrEqual(7);
    expect(walked).toEqual(stored);
    expect(new Set(walked).size).toBe(walked.length);
    // The extra row fetched says whether more exist, so no empty page ends the walk.
    expect(pages).toBe(Math.ceil(stored.length / 3));
    // The SDK's iterate() follows the same cursors.
    const iterated: string[] = [];
    for await (const payment of admin().listPayments.iterate({ query: { limit: 2 } })) iterated.push(payment.id);
    expect(iterated).toEqual(stored);
  });

  test('a cursor this API did not issue, or a bad status, is a 400', async () => {
    await expectProblem(admin().listPayments({ query: { cursor: 'bm90LWEtY3Vyc29y' } }), 400, 'BAD_REQUEST');
    const forged = Buffer.from(JSON.stringify({ after: "x' or 1=1" })).toString('base64url');
    await expectProblem(admin().listPayments({ query: { cursor: forged } }), 400, 'BAD_REQUEST');
    await expectProblem(admin().listPayments({ query: { status: 'lost' as never } }), 400, 'VALIDATION_FAILED');
  });

  test('customers, store owners, services and anonymous callers may not list payments', async () => {
    // A customer with a payment of their own still may not list (they read theirs with getPayment).
    const customer = person(server);
    await order().createPayment({ body: paymentInput(customer.userId) });
    await expectProblem(customer.client.payment.listPayments(), 403, 'FORBIDDEN');
    await expectProblem(customerSession(server).payment.listPayments({ query: { refundFailed: true } }), 403, 'FORBIDDEN');
    await expectProblem(storeSession(server).payment.listPayments(), 403, 'FORBIDDEN');
    // A service credential is not a person's session: the operation has no service scheme.
    await expectProblem(order().listPayments(), 401, 'UNAUTHENTICATED');
    await expectProblem(server.client().payment.listPayments(), 401, 'UNAUTHENTICATED');
  });
});

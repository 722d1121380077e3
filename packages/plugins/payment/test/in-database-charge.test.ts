import { newId } from '@tokobapak/server';
import { eventually, expectProblem, type TestServer } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { orderService, paymentInput, raceCreateWithVoid, type Schemas, startPaymentServer } from './support.js';

// The sandbox's charge is a write in the store's own database, made in the statement that stores
// its answer (`charging.ts`). A charge made before by the two-step path is still the one answered,
// and a void racing a create leaves no live payment, here or in the sandbox's books.

let server: TestServer;
beforeAll(async () => {
  server = await startPaymentServer();
});
afterAll(async () => {
  await server?.close();
});

const order = () => orderService(server).payment;

/** The sandbox's transactions of a payment. */
const sandboxTransactions = async (paymentId: string) =>
  (
    await sql<{
      transaction_id: string;
      status: string;
    }>`select transaction_id, status from payment.sandbox_transactions where order_id = ${paymentId}`.execute(server.database.db)
  ).rows;

/** The reference's payment as stored, or undefined. */
const storedPayment = async (reference: string) =>
  (await sql<{ id: string; status: string }>`select id, status from payment.payments where reference = ${reference}`.execute(server.database.db)).rows[0];

/** A create cut short after its claim (a crash before its charge): the payment pending, no answer stored. */
async function claimedOnly(input: Schemas['PaymentInput']): Promise<string> {
  const id = newId('pay');
  const now = new Date();
  await sql`insert into payment.payments (id, reference, customer_id, provider, status, amount, currency, refunded_amount, method, expires_at, created_at, updated_at)
    values (${id}, ${input.reference}, ${input.customerId}, 'sandbox', 'pending', ${input.amount.amount}, ${input.amount.currency}, 0,
      ${JSON.stringify(input.method)}, ${new Date(now.getTime() + 86_400_000)}, ${now}, ${now})`.execute(server.database.db);
  await sql`insert into payment.payment_history (id, payment_id, status, source, note, at) values (${newId('pst')}, ${id}, 'pending', 'api', 'sandbox: claimed', ${now})`.execute(
    server.database.db,
  );
  return id;
}

describe('an in-database charge', () => {
  test('a charge made before whose answer was never stored is the one answered, and no second one is made', async () => {
    const input = paymentInput(null, { method: { type: 'ewallet', provider: 'gopay' } });
    const paymentId = await claimedOnly(input);
    // The sandbox has the charge (made alone, its answer then lost).
    await sql`insert into payment.sandbox_transactions (order_id, transaction_id, method, amount, currency, status, va_number, expires_at)
      values (${paymentId}, 'sbx_made_before', ${JSON.stringify(input.method)}, ${input.amount.amount}, 'IDR', 'pending', null, now() + interval '1 day')`.execute(
      server.database.db,
    );
    const payment = await order().createPayment({ body: input });
    expect(payment).toMatchObject({ id: paymentId, status: 'pending' });
    expect(payment.instructions?.deeplinkUrl).toContain('sbx_made_before');
    expect(await sandboxTransactions(paymentId)).toEqual([{ transaction_id: 'sbx_made_before', status: 'pending' }]);
    expect(await order().getPayment({ params: { paymentId } })).toEqual(payment);
  });

  test('forty creates each raced by a void, sent before, with and during it: never a live payment, here or in the sandbox', { timeout: 120_000 }, async () => {
    for (let round = 0; round < 40; round++) {
      const input = paymentInput(null);
      await raceCreateWithVoid(order(), input, round % 3, round % 4, round);
      const stored = await storedPayment(input.reference);
      expect(['cancelled', undefined], `round ${round}: the payment`).toContain(stored?.status);
      if (stored) {
        const transactions = await sandboxTransactions(stored.id);
        expect(transactions.length, `round ${round}: charges`).toBeLessThanOrEqual(1);
        expect(['cancelled', undefined], `round ${round}: in the sandbox`).toContain(transactions[0]?.status);
      }
    }
  });

  // PGlite runs one statement at a time; only PostgreSQL lets the void run while the charge's statement waits.
  test.skipIf(!process.env.DATABASE_URL)(
    'a void that looked in the sandbox while the charge was in flight cancels the charge once its answer is stored',
    async () => {
      const input = paymentInput(null);
      const paymentId = await claimedOnly(input);
      const db = server.database.db;
      /** Backends of this test's database waiting for a lock. */
      const waitingForLocks = async (count: number) =>
        eventually(async () => {
          const { rows } = await sql<{
            n: string;
          }>`select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(db);
          expect(Number(rows[0]?.n)).toBe(count);
        });
      // Another transaction writes the sandbox's order id and holds it uncommitted: the retried create's
      // statement locks the payment, then its charge waits for that transaction.
      let release = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const rolledBack = new Error('rolled back');
      const holding = db
        .transaction()
        .execute(async (trx) => {
          await sql`insert into payment.sandbox_transactions (order_id, transaction_id, method, amount, currency, status, va_number, expires_at)
          values (${paymentId}, 'sbx_held', ${JSON.stringify(input.method)}, 1, 'IDR', 'pending', null, now())`.execute(trx);
          await released;
          throw rolledBack;
        })
        .catch((error) => {
          if (error !== rolledBack) throw error;
        });
      const creating = order().createPayment({ body: input });
      await waitingForLocks(1);
      // The void finds the payment pending with no answer, asks the sandbox (which has nothing
      // committed for it), and waits for the payment's lock to cancel it.
      const voiding = order().voidPayment({ body: { reference: input.reference } });
      await waitingForLocks(2);
      release();
      await holding;
      const [created, voided] = await Promise.all([creating, voiding]);
      // The create's statement began before the void: it answered the payment pending, as stored.
      expect(created).toMatchObject({ id: paymentId, status: 'pending' });
      expect(voided.payment).toMatchObject({ id: paymentId, status: 'cancelled' });
      // The void saw the answer stored after it had asked, asked again, and cancelled the charge.
      const transactions = await sandboxTransactions(paymentId);
      expect(transactions).toHaveLength(1);
      expect(transactions[0]?.status).toBe('cancelled');
      expect(transactions[0]?.transaction_id).not.toBe('sbx_held');
      await expectProblem(order().createPayment({ body: input }), 409, 'PAYMENT_REFERENCE_VOIDED');
    },
  );
});

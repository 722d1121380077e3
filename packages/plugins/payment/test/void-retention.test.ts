import { expectProblem, manualClock, type TestServer } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { paymentPlugin } from '../src/index.js';
import { orderService, paymentInput, startPaymentServer } from './support.js';

// The `prune-voided-references` job under a manual clock: void records older than
// `voidRetentionDays` are deleted, younger ones stay and go on refusing creates.

const DAY = 86_400_000;
const clock = manualClock();
let server: TestServer;
beforeAll(async () => {
  server = await startPaymentServer({ clock, payment: { voidRetentionDays: 10 } });
});
afterAll(async () => {
  await server?.close();
});

const order = () => orderService(server).payment;
const voidRecords = async (references: string[]) => {
  const { rows } = await sql<{ reference: string }>`
    select reference from payment.voided_references where reference in (${sql.join(references)}) order by reference`.execute(server.database.db);
  return rows.map((row) => row.reference);
};

describe('payment.prune-voided-references', () => {
  test('void records older than the retention are pruned; younger ones stay and still refuse a create', async () => {
    const old = paymentInput(null);
    const paidFor = paymentInput(null);
    await order().voidPayment({ body: { reference: old.reference } });
    // A reference voided with its payment: the payment keeps the reference taken after the pruning.
    const payment = await order().createPayment({ body: paidFor });
    await order().voidPayment({ body: { reference: paidFor.reference } });
    clock.advance(6 * DAY);
    const recent = paymentInput(null);
    await order().voidPayment({ body: { reference: recent.reference } });
    const all = [old.reference, paidFor.reference, recent.reference].sort();

    // Nine days on, nothing is old enough yet.
    clock.advance(3 * DAY);
    await server.jobs.tick();
    expect(await voidRecords(all)).toEqual(all);

    // Eleven days on: the two first are past the retention, the third (five days old) stays.
    clock.advance(2 * DAY);
    await server.jobs.tick();
    expect(await voidRecords(all)).toEqual([recent.reference]);
    await expectProblem(order().createPayment({ body: recent }), 409, 'PAYMENT_REFERENCE_VOIDED');
    // The pruned reference with a payment still answers that (cancelled) payment, with no new charge.
    const again = await order().createPayment({ body: paidFor });
    expect(again).toMatchObject({ id: payment.id, status: 'cancelled' });

    clock.advance(6 * DAY);
    await server.jobs.tick();
    expect(await voidRecords(all)).toEqual([]);
  });

  test('a retention shorter than the longest charge is refused at start, naming the option', () => {
    expect(() => paymentPlugin({ env: {}, voidRetentionDays: 3 })).toThrow(/voidRetentionDays must be at least 7/);
    expect(() => paymentPlugin({ env: {}, voidRetentionDays: 7 })).not.toThrow();
  });
});

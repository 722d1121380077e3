import { authPlugin } from '@tokobapak/plugin-auth';
import { paymentPlugin } from '@tokobapak/plugin-payment';
import { userPlugin } from '@tokobapak/plugin-user';
import type { MailMessage } from '@tokobapak/server';
import { createTestServer, expectProblem, type SignedUpUser, serviceClient, signUp, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type MidtransFixture, startMidtransFixture } from '../../packages/plugins/payment/test/midtrans-fixture.js';

// A refund the gateway refuses reaches a person: payments publishes `payment.refund-failed` once,
// and the auth service, which knows the platform's admins, mails each of them. The store runs auth,
// user and payment on the Midtrans adapter against the local Midtrans-speaking server (which
// refuses bank-transfer refunds, as Midtrans does), listening on a port for its notifications. The
// admins are real accounts (by `adminEmails`), signed in with their passwords; the mails are read
// from the store's mailer.

const SERVER_KEY = 'SB-Mid-server-refund-alerts';
const ADMINS = ['sari@platform.example', 'bayu@platform.example'];
let server: TestServer;
let midtrans: MidtransFixture;
let storeUrl = '';
let customer: SignedUpUser;
const admins: SignedUpUser[] = [];

beforeAll(async () => {
  midtrans = await startMidtransFixture(SERVER_KEY, () => `${storeUrl}/payment/webhooks/midtrans`);
  server = await createTestServer({
    publicUrl: 'https://toko.example',
    plugins: [
      authPlugin({ adminEmails: ADMINS, passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }),
      userPlugin(),
      paymentPlugin({ env: {}, provider: 'midtrans', sandbox: { enabled: false }, midtrans: { serverKey: SERVER_KEY, baseUrl: midtrans.url } }),
    ],
  });
  storeUrl = await server.listen({ port: 0, host: '127.0.0.1' });
  for (const email of ADMINS) admins.push(await signUp(server, { email, name: 'Admin Platform' }));
  customer = await signUp(server, { name: 'Ani Wijaya' });
});
afterAll(async () => {
  await server?.close();
  await midtrans?.close();
});

const order = () => serviceClient(server, 'order').payment;
/** The test server's in-memory mailer (`mail: { transport: 'memory' }`). */
const mailer = () => server.mailer as unknown as { messages: MailMessage[] };
const alertsAbout = (paymentId: string, to?: string) =>
  mailer().messages.filter((mail) => mail.subject.includes(paymentId) && (to === undefined || mail.to === to));

/** A payment of 150 000 IDR the customer paid by BNI virtual account, the store told by Midtrans's notification. */
async function paidByTransfer() {
  const payment = await order().createPayment({
    body: {
      reference: `chk_alert_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`,
      amount: { amount: 150_000, currency: 'IDR' },
      customerId: customer.user.id,
      method: { type: 'virtual_account', bank: 'bni' },
    },
  });
  await midtrans.notify(payment.id, 'settlement');
  return payment;
}

const refund = (paymentId: string, amount: number, key: string) =>
  order().refundPayment({ params: { paymentId }, body: { amount: { amount, currency: 'IDR' }, reason: 'a line out of stock' }, idempotencyKey: key });

describe('a refused refund', () => {
  test('mails every admin once, replays and repeats included; an admin lists it and acknowledges it', async () => {
    const payment = await paidByTransfer();
    midtrans.refusedRefundTypes.add('bank_transfer');
    try {
      await expectProblem(refund(payment.id, 50_000, 'line-2'), 422, 'PAYMENT_PROVIDER_REFUSED');
      await server.relay.drain();
      for (const email of ADMINS) expect(alertsAbout(payment.id, email)).toHaveLength(1);
      // Nobody else: not the customer (they are told by their order), not anyone who is not an admin.
      expect(alertsAbout(payment.id)).toHaveLength(ADMINS.length);

      const [alert] = alertsAbout(payment.id, ADMINS[0]);
      expect(alert?.subject).toBe(`Refund refused: 50000 IDR of payment ${payment.id} must go back by hand`);
      expect(alert?.text).toContain(`checkout ${payment.reference}`);
      expect(alert?.text).toContain(`Customer: ${customer.user.id}`);
      expect(alert?.text).toContain('a line out of stock');
      expect(alert?.text).toContain("Owed by this payment's refused refunds: 50000 IDR");
      expect(alert?.text).toContain('tokobapak payments list --refund-failed');
      expect(alert?.text).toContain(`tokobapak payments acknowledge ${payment.id} --note`);
      expect(alert?.text).toContain(`POST https://toko.example/payment/payments/${payment.id}/refund-failure/acknowledgement`);

      // The refund asked again, one after another and at once, and the whole payment voided twice
      // (its full refund refused too): that is one more refusal, told once.
      await refund(payment.id, 50_000, 'line-2');
      await Promise.allSettled([1, 2, 3].map(() => refund(payment.id, 50_000, 'line-2')));
      for (let i = 0; i < 2; i++) await expectProblem(order().voidPayment({ body: { reference: payment.reference } }), 422, 'PAYMENT_PROVIDER_REFUSED');
      await server.relay.drain();
    } finally {
      midtrans.refusedRefundTypes.delete('bank_transfer');
    }
    for (const email of ADMINS) expect(alertsAbout(payment.id, email)).toHaveLength(2);
    const [, voidAlert] = alertsAbout(payment.id, ADMINS[1]);
    // The void's refusal was of all the payment holds; what is owed is never more than that.
    expect(voidAlert?.subject).toContain('150000 IDR');
    expect(voidAlert?.text).toContain("Owed by this payment's refused refunds: 150000 IDR");

    // An admin, signed in with their password, finds it on the queue and, having sent the money back
    // by hand, acknowledges it; the customer may do neither.
    const [sari] = admins;
    if (!sari) throw new Error('no admin');
    const queue = async () => (await sari.client.payment.listPayments({ query: { refundFailed: true } })).items.map((item) => item.id);
    expect(await queue()).toEqual([payment.id]);
    await expectProblem(customer.client.payment.listPayments({ query: { refundFailed: true } }), 403, 'FORBIDDEN');
    await expectProblem(customer.client.payment.acknowledgeRefundFailure({ params: { paymentId: payment.id }, body: { note: 'mine' } }), 403, 'FORBIDDEN');
    const acknowledged = await sari.client.payment.acknowledgeRefundFailure({
      params: { paymentId: payment.id },
      body: { note: 'transferred back from the platform account, BNI ref 5521' },
    });
    expect(acknowledged.refundOwed).toEqual({ amount: 0, currency: 'IDR' });
    expect(acknowledged.history.at(-1)?.note).toContain(sari.user.id);
    expect(await queue()).toEqual([]);
    // Nothing more is mailed for it.
    await server.relay.drain();
    for (const email of ADMINS) expect(alertsAbout(payment.id, email)).toHaveLength(2);
  });

  test('a refund redone under a new key leaves the queue, and a refund that goes through mails nobody', async () => {
    const payment = await paidByTransfer();
    midtrans.refusedRefundTypes.add('bank_transfer');
    try {
      await expectProblem(refund(payment.id, 20_000, 'line-7'), 422, 'PAYMENT_PROVIDER_REFUSED');
    } finally {
      midtrans.refusedRefundTypes.delete('bank_transfer');
    }
    const [sari] = admins;
    if (!sari) throw new Error('no admin');
    expect((await sari.client.payment.listPayments({ query: { refundFailed: true } })).items.map((item) => item.id)).toContain(payment.id);
    const redone = await refund(payment.id, 20_000, 'line-7-again');
    expect(redone).toMatchObject({ status: 'partially_refunded', refundOwed: { amount: 0 } });
    expect((await sari.client.payment.listPayments({ query: { refundFailed: true } })).items.map((item) => item.id)).not.toContain(payment.id);
    await server.relay.drain();
    for (const email of ADMINS) expect(alertsAbout(payment.id, email)).toHaveLength(1);
  });
});

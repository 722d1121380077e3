import type { TokoBapakClient, UserComponents } from '@tokobapak/sdk';
import type { TestServer } from '@tokobapak/server/testing';
import { expectProblem } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signUp, startServer } from './support.js';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

type Input = UserComponents['schemas']['PaymentMethodInput'];

const card = (token: string, extra: Partial<Input> = {}): Input => ({
  provider: 'sandbox',
  type: 'card',
  token,
  label: 'BCA Visa',
  brand: 'visa',
  last4: '4242',
  expiryMonth: 12,
  expiryYear: 2030,
  ...extra,
});

async function all(client: TokoBapakClient, limit?: number) {
  const items: UserComponents['schemas']['PaymentMethod'][] = [];
  for await (const item of client.user.listPaymentMethods.iterate({ query: limit ? { limit } : {} })) items.push(item);
  return items;
}

describe('payment methods', () => {
  test('saves a gateway token and never shows it again', async () => {
    const { client, user, accessToken } = await signUp(server);
    const saved = await client.user.savePaymentMethod({ body: card('tok_sandbox_rahasia_1') });
    expect(saved).toEqual({
      id: expect.stringMatching(/^pm_[0-9a-z]{26}$/),
      provider: 'sandbox',
      type: 'card',
      label: 'BCA Visa',
      brand: 'visa',
      last4: '4242',
      expiryMonth: 12,
      expiryYear: 2030,
      isDefault: true,
      createdAt: expect.any(String),
    });
    const wallet = await client.user.savePaymentMethod({ body: { provider: 'sandbox', type: 'ewallet', token: 'tok_gopay_rahasia_2', label: 'GoPay' } });
    expect(wallet).toMatchObject({ brand: null, last4: null, expiryMonth: null, expiryYear: null, isDefault: false });

    const raw = await server.app.inject({ method: 'GET', url: '/user/me/payment-methods', headers: { authorization: `Bearer ${accessToken}` } });
    expect(raw.statusCode).toBe(200);
    expect(raw.body).not.toContain('rahasia');
    expect(raw.body).not.toMatch(/"token"/);
    // It is stored, for the payment service to charge.
    const stored = await sql<{ token: string }>`select token from "user".payment_methods where user_id = ${user.id} order by id`.execute(server.database.db);
    expect(stored.rows.map((row) => row.token)).toEqual(['tok_sandbox_rahasia_1', 'tok_gopay_rahasia_2']);
  });

  test.each([['4111111111111111'], ['4111 1111 1111 1111'], ['4111-1111-1111-1111'], ['378282246310005'], ['6011000990139424']])(
    'refuses a card number as token: %s',
    async (token) => {
      const { client, user } = await signUp(server);
      await expectProblem(client.user.savePaymentMethod({ body: card(token) }), 422, 'USER_CARD_NUMBER_REJECTED');
      const stored = await sql<{ n: number }>`select count(*)::int as n from "user".payment_methods where user_id = ${user.id}`.execute(server.database.db);
      expect(stored.rows[0]?.n).toBe(0);
    },
  );

  test('accepts digit-only tokens that are not card numbers', async () => {
    const { client } = await signUp(server);
    // 16 digits failing Luhn, and digit strings too short or too long to be a card.
    for (const token of ['4111111111111112', '12345678901', '12345678901234567890']) {
      await expect(client.user.savePaymentMethod({ body: card(token) })).resolves.toMatchObject({ provider: 'sandbox' });
    }
  });

  test('the same provider token twice is a 409; another provider or user may have it', async () => {
    const first = await signUp(server);
    const second = await signUp(server);
    await first.client.user.savePaymentMethod({ body: card('tok_shared') });
    await expectProblem(first.client.user.savePaymentMethod({ body: card('tok_shared', { label: 'Again' }) }), 409, 'USER_PAYMENT_METHOD_EXISTS');
    await expect(first.client.user.savePaymentMethod({ body: card('tok_shared', { provider: 'midtrans' }) })).resolves.toMatchObject({ provider: 'midtrans' });
    await expect(second.client.user.savePaymentMethod({ body: card('tok_shared') })).resolves.toMatchObject({ isDefault: true });
  });

  test('default rules: first is default, isDefault moves it, set-default and delete promote', async () => {
    const { client } = await signUp(server);
    const first = await client.user.savePaymentMethod({ body: card('tok_a', { isDefault: false }) });
    expect(first.isDefault).toBe(true);
    const second = await client.user.savePaymentMethod({ body: card('tok_b') });
    const third = await client.user.savePaymentMethod({ body: card('tok_c', { isDefault: true }) });
    expect([second.isDefault, third.isDefault]).toEqual([false, true]);
    expect((await all(client)).map((item) => [item.id, item.isDefault])).toEqual([
      [third.id, true],
      [second.id, false],
      [first.id, false],
    ]);

    expect(await client.user.setDefaultPaymentMethod({ params: { paymentMethodId: first.id } })).toMatchObject({ id: first.id, isDefault: true });
    expect(await client.user.setDefaultPaymentMethod({ params: { paymentMethodId: first.id } })).toMatchObject({ id: first.id, isDefault: true });
    await client.user.deletePaymentMethod({ params: { paymentMethodId: first.id } });
    expect((await all(client)).map((item) => [item.id, item.isDefault])).toEqual([
      [third.id, true],
      [second.id, false],
    ]);
    await client.user.deletePaymentMethod({ params: { paymentMethodId: second.id } });
    await client.user.deletePaymentMethod({ params: { paymentMethodId: third.id } });
    expect(await client.user.listPaymentMethods()).toEqual({ items: [], nextCursor: null });
  });

  test('concurrent set-default on two methods leaves exactly one default', async () => {
    const { client, user } = await signUp(server);
    const first = await client.user.savePaymentMethod({ body: card('tok_race_a') });
    const second = await client.user.savePaymentMethod({ body: card('tok_race_b') });
    for (let round = 0; round < 5; round++) {
      // Twenty calls at once, alternating between the two methods.
      const moved = await Promise.all(
        Array.from({ length: 20 }, (_, i) => client.user.setDefaultPaymentMethod({ params: { paymentMethodId: i % 2 === 0 ? first.id : second.id } })),
      );
      // Each answer was the default when it was given: the calls ran one after the other.
      expect(moved.every((method) => method.isDefault)).toBe(true);
      const defaults = await sql<{ id: string }>`select id from "user".payment_methods where user_id = ${user.id} and is_default`.execute(server.database.db);
      expect(defaults.rows).toHaveLength(1);
      expect([first.id, second.id]).toContain(defaults.rows[0]?.id);
    }
  });

  test('pagination walks every method once', async () => {
    const { client } = await signUp(server);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await client.user.savePaymentMethod({ body: card(`tok_page_${i}`) })).id);
    const page = await client.user.listPaymentMethods({ query: { limit: 2 } });
    expect(page.items).toHaveLength(2);
    expect(page.nextCursor).not.toBeNull();
    expect((await all(client, 2)).map((item) => item.id)).toEqual([ids[0], ...ids.slice(1).reverse()]);
  });

  test("another user's method answers exactly like a missing one", async () => {
    const owner = await signUp(server);
    const stranger = await signUp(server);
    const mine = await owner.client.user.savePaymentMethod({ body: card('tok_owner') });
    for (const paymentMethodId of [mine.id, 'pm_01jd2x7k9q3m4n5p6r7s8t9v0w']) {
      await expectProblem(stranger.client.user.setDefaultPaymentMethod({ params: { paymentMethodId } }), 404, 'USER_PAYMENT_METHOD_NOT_FOUND');
      await expectProblem(stranger.client.user.deletePaymentMethod({ params: { paymentMethodId } }), 404, 'USER_PAYMENT_METHOD_NOT_FOUND');
    }
    expect((await all(owner.client)).map((item) => item.id)).toEqual([mine.id]);
  });

  test('unknown body fields (a raw card number field, say) are refused', async () => {
    const { client } = await signUp(server);
    await expectProblem(client.user.savePaymentMethod({ body: { ...card('tok_x'), cardNumber: '4111111111111111' } as never }), 400, 'VALIDATION_FAILED');
  });
});

import type { TestServer } from '@tokobapak/server/testing';
import { eventually, expectProblem } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ADMIN_EMAIL, PASSWORD, signUp, startServer } from './support.js';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

const count = async (query: ReturnType<typeof sql<{ n: number }>>) => (await query.execute(server.database.db)).rows[0]?.n;

async function admin() {
  const client = server.client();
  try {
    await client.auth.login({ body: { email: ADMIN_EMAIL, password: PASSWORD } });
  } catch {
    await client.user.register({ body: { email: ADMIN_EMAIL, password: PASSWORD, name: 'Operator' } });
    await client.auth.login({ body: { email: ADMIN_EMAIL, password: PASSWORD } });
  }
  return client;
}

async function withAddressAndCard(client: Awaited<ReturnType<typeof signUp>>['client']) {
  await client.user.createAddress({
    body: {
      label: 'Rumah',
      recipientName: 'Ani',
      phone: '+6281234567890',
      line1: 'Jl. Braga 10',
      city: 'Bandung',
      region: 'Jawa Barat',
      postalCode: '40111',
      countryCode: 'ID',
    },
  });
  await client.user.savePaymentMethod({ body: { provider: 'sandbox', type: 'ewallet', token: 'tok_ovo_1', label: 'OVO' } });
}

describe('deleteAccount', () => {
  test('a wrong password is a 403 and deletes nothing', async () => {
    const { client, user } = await signUp(server);
    await expectProblem(client.user.deleteAccount({ body: { password: 'salah-sekali-123', confirm: 'DELETE' } }), 403, 'USER_PASSWORD_WRONG');
    expect(await client.user.getProfile()).toMatchObject({ id: user.id });
  });

  test('the confirmation must be exactly DELETE', async () => {
    const { client, password } = await signUp(server);
    await expectProblem(client.user.deleteAccount({ body: { password, confirm: 'delete' as 'DELETE' } }), 400, 'VALIDATION_FAILED');
    await expectProblem(client.user.deleteAccount({ body: { password } as never }), 400, 'VALIDATION_FAILED');
  });

  test('API keys and anonymous callers cannot delete an account', async () => {
    const { client, password } = await signUp(server);
    const { secret } = await client.auth.createApiKey({ body: { name: 'skrip', scopes: ['profile:read', 'profile:write'] } });
    await expectProblem(server.client({ apiKey: secret }).user.deleteAccount({ body: { password, confirm: 'DELETE' } }), 401, 'UNAUTHENTICATED');
    await expectProblem(server.client().user.deleteAccount({ body: { password, confirm: 'DELETE' } }), 401, 'UNAUTHENTICATED');
  });

  test('end to end: data gone, credential gone, every service acknowledges, the email is free again', async () => {
    const { client, user, email, password, accessToken } = await signUp(server);
    await withAddressAndCard(client);
    const { secret } = await client.auth.createApiKey({ body: { name: 'skrip', scopes: ['profile:read'] } });
    const script = server.client({ apiKey: secret });
    expect(await script.user.getProfile()).toMatchObject({ id: user.id });

    const response = await server.app.inject({
      method: 'DELETE',
      url: '/user/me',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ password, confirm: 'DELETE' }),
    });
    expect(response.statusCode).toBe(202);
    const deletion = response.json() as { userId: string; deletedAt: string };
    expect(deletion).toEqual({ userId: user.id, deletedAt: expect.any(String) });

    // Nothing of the user is left here, and the deletion record holds nothing personal.
    expect(await count(sql`select count(*)::int as n from "user".users where id = ${user.id} or email = ${email}`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from "user".addresses where user_id = ${user.id}`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from "user".payment_methods where user_id = ${user.id}`)).toBe(0);
    const record = await sql`select * from "user".deletions where user_id = ${user.id}`.execute(server.database.db);
    expect(Object.keys(record.rows[0] as object).sort()).toEqual(['deleted_at', 'user_id']);
    const published = await sql<{ data: unknown }>`select data from tokobapak.outbox where type = 'user.deleted' and subject = ${user.id}`.execute(
      server.database.db,
    );
    expect(published.rows).toEqual([{ data: { userId: user.id } }]);

    // The credential is gone at once: no login, no refresh, no API key, and the old token finds no one.
    expect(await count(sql`select count(*)::int as n from auth.credentials where user_id = ${user.id}`)).toBe(0);
    await expectProblem(server.client().auth.login({ body: { email, password } }), 401, 'AUTH_INVALID_CREDENTIALS');
    await expectProblem(client.user.getProfile(), 401, 'UNAUTHENTICATED');
    await expectProblem(client.user.listAddresses(), 401, 'UNAUTHENTICATED');
    await expectProblem(
      client.user.createAddress({
        body: { label: 'x', recipientName: 'x', phone: '+6281234567890', line1: 'x', city: 'x', region: 'x', postalCode: '40111', countryCode: 'ID' },
      }),
      401,
      'UNAUTHENTICATED',
    );
    await expectProblem(script.user.getProfile(), 401, 'UNAUTHENTICATED');
    await expectProblem(client.user.deleteAccount({ body: { password, confirm: 'DELETE' } }), 401, 'UNAUTHENTICATED');

    // Auth acknowledges through the event relay.
    const operator = await admin();
    const acknowledged = await eventually(async () => {
      const current = await operator.user.getDeletionRecord({ params: { userId: user.id } });
      expect(current.acknowledgements.map((ack) => ack.service).sort()).toEqual(['auth', 'user']);
      return current;
    });
    expect(acknowledged).toMatchObject({ userId: user.id, deletedAt: deletion.deletedAt });
    expect(acknowledged.acknowledgements[0]).toEqual({ service: 'user', acknowledgedAt: deletion.deletedAt });
    expect(JSON.stringify(acknowledged)).not.toContain(email);

    // Deletion is for good, but the email may be used again, by a new account.
    const again = await server.client().user.register({ body: { email, password, name: 'Ani Baru' } });
    expect(again.id).not.toBe(user.id);
    const fresh = server.client();
    expect((await fresh.auth.login({ body: { email, password } })).userId).toBe(again.id);
    expect(await fresh.user.listAddresses()).toEqual({ items: [], nextCursor: null });
  });

  test('concurrent deletions delete once; the others answer alike or find the account gone, never 403', async () => {
    const { client, user, password } = await signUp(server);
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => client.user.deleteAccount({ body: { password, confirm: 'DELETE' } })));
    const succeeded = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    expect(succeeded.length).toBeGreaterThanOrEqual(1);
    for (const value of succeeded) expect(value).toEqual(succeeded[0]);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(await count(sql`select count(*)::int as n from tokobapak.outbox where type = 'user.deleted' and subject = ${user.id}`)).toBe(1);
  });
});

describe('getDeletionRecord', () => {
  test('admins only; an unknown user is a 404', async () => {
    const { client } = await signUp(server);
    await expectProblem(client.user.getDeletionRecord({ params: { userId: 'usr_01jd2x7k9q3m4n5p6r7s8t9v0w' } }), 403, 'FORBIDDEN');
    await expectProblem(server.client().user.getDeletionRecord({ params: { userId: 'usr_01jd2x7k9q3m4n5p6r7s8t9v0w' } }), 401, 'UNAUTHENTICATED');
    const operator = await admin();
    await expectProblem(operator.user.getDeletionRecord({ params: { userId: 'usr_01jd2x7k9q3m4n5p6r7s8t9v0w' } }), 404, 'USER_DELETION_NOT_FOUND');
  });

  test('acknowledgements from other services are recorded once, first time kept', async () => {
    const { client, user, password } = await signUp(server);
    await client.user.deleteAccount({ body: { password, confirm: 'DELETE' } });
    const acknowledge = (eventId: string, time: string) =>
      sql`insert into tokobapak.outbox (event_id, type, source, subject, "time", data)
        values (${eventId}, 'user.deletion-acknowledged', 'cart', ${user.id}, ${time}, ${JSON.stringify({ userId: user.id, service: 'cart' })}::jsonb)`.execute(
        server.database.db,
      );
    await acknowledge(`evt_cart_${user.id}_1`, '2030-01-01T00:00:00.000Z');
    await acknowledge(`evt_cart_${user.id}_2`, '2031-01-01T00:00:00.000Z');
    const operator = await admin();
    const record = await eventually(async () => {
      const current = await operator.user.getDeletionRecord({ params: { userId: user.id } });
      expect(current.acknowledgements.map((ack) => ack.service).sort()).toEqual(['auth', 'cart', 'user']);
      return current;
    });
    expect(record.acknowledgements.at(-1)).toEqual({ service: 'cart', acknowledgedAt: '2030-01-01T00:00:00.000Z' });
  });
});

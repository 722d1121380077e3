import type { TestServer } from '@tokobapak/server/testing';
import { expectProblem, serviceClient } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PASSWORD, startServer, uniqueEmail } from './support.js';

let server: TestServer;
const REGISTRATIONS_PER_HOUR = 60;

beforeAll(async () => {
  // Above the default ten, so that fifty racing registrations of one email all reach the race.
  server = await startServer({ registrationsPerHour: REGISTRATIONS_PER_HOUR });
});
afterAll(async () => {
  await server?.close();
});

const userRows = (email: string) =>
  sql<{ id: string; status: string }>`select id, status from "user".users where email = ${email}`.execute(server.database.db).then((result) => result.rows);
const credentialRows = (email: string) =>
  sql<{ user_id: string }>`select user_id from auth.credentials where email = ${email}`.execute(server.database.db).then((result) => result.rows);

describe('register', () => {
  test('attempts are limited per email address: past the hourly limit, 429 RATE_LIMITED with Retry-After', async () => {
    const email = uniqueEmail();
    const register = () => server.app.inject({ method: 'POST', url: '/user/register', payload: { email, password: PASSWORD, name: 'Pencoba' } });
    expect((await register()).statusCode).toBe(201);
    const answers = await Promise.all(Array.from({ length: REGISTRATIONS_PER_HOUR }, register));
    expect(answers.filter((answer) => answer.statusCode === 409)).toHaveLength(REGISTRATIONS_PER_HOUR - 1);
    const refused = answers.filter((answer) => answer.statusCode === 429);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(Number(refused[0]?.headers['retry-after'])).toBeGreaterThan(3500);
    // Counted per address: another email registers at once.
    expect(
      (await server.app.inject({ method: 'POST', url: '/user/register', payload: { email: uniqueEmail(), password: PASSWORD, name: 'Lain' } })).statusCode,
    ).toBe(201);
  });

  test('creates an active user that can then log in', async () => {
    const client = server.client();
    const email = uniqueEmail();
    const user = await client.user.register({ body: { email: email.toUpperCase(), password: PASSWORD, name: 'Budi Santoso', phone: '+6281234567890' } });
    expect(user).toMatchObject({ email, emailVerified: false, name: 'Budi Santoso', phone: '+6281234567890', locale: 'id-ID', status: 'active' });
    expect(user.id).toMatch(/^usr_[0-9a-z]{26}$/);
    expect(new Date(user.createdAt).toISOString()).toBe(user.createdAt);
    expect(JSON.stringify(user)).not.toMatch(/password|hash/i);

    const tokens = await client.auth.login({ body: { email, password: PASSWORD } });
    expect(tokens.userId).toBe(user.id);
    expect(await client.user.getProfile()).toEqual(user);
  });

  test('publishes user.registered with the id, email and name', async () => {
    const email = uniqueEmail();
    const user = await server.client().user.register({ body: { email, password: PASSWORD, name: 'Citra Lestari' } });
    const events = await sql<{ type: string; data: unknown }>`select type, data from tokobapak.outbox where subject = ${user.id}`.execute(server.database.db);
    expect(events.rows).toEqual([{ type: 'user.registered', data: { userId: user.id, email, name: 'Citra Lestari' } }]);
  });

  test('an email taken in any letter case is a 409', async () => {
    const email = uniqueEmail();
    await server.client().user.register({ body: { email, password: PASSWORD, name: 'Dewi' } });
    await expectProblem(
      server.client().user.register({ body: { email: email.toUpperCase(), password: PASSWORD, name: 'Dewi Lain' } }),
      409,
      'USER_EMAIL_TAKEN',
    );
  });

  test('50 parallel registrations with one email make exactly one user and 49 clean 409s', async () => {
    const email = uniqueEmail('rebutan');
    const attempts = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => server.client().user.register({ body: { email, password: PASSWORD, name: `Peserta ${i}` } })),
    );
    const created = attempts.filter((attempt) => attempt.status === 'fulfilled');
    const refused = attempts.flatMap((attempt) => (attempt.status === 'rejected' ? [attempt.reason as { status: number; code: string }] : []));
    expect(created).toHaveLength(1);
    expect(refused).toHaveLength(49);
    for (const reason of refused) expect(reason).toMatchObject({ status: 409, code: 'USER_EMAIL_TAKEN' });
    expect(await userRows(email)).toEqual([{ id: (created[0] as PromiseFulfilledResult<{ id: string }>).value.id, status: 'active' }]);
    expect(await credentialRows(email)).toHaveLength(1);
  });

  test('a weak password is refused and leaves no pending user behind; a good one then works', async () => {
    const email = uniqueEmail();
    const client = server.client();
    await expectProblem(client.user.register({ body: { email, password: 'password123', name: 'Eka' } }), 400, 'USER_WEAK_PASSWORD');
    await expect(client.user.register({ body: { email, password: 'aaaaaaaaaaaa', name: 'Eka' } })).rejects.toMatchObject({
      code: 'USER_WEAK_PASSWORD',
      problem: { detail: expect.stringMatching(/different characters/) },
    });
    expect(await userRows(email)).toEqual([]);
    expect(await credentialRows(email)).toEqual([]);

    const user = await client.user.register({ body: { email, password: PASSWORD, name: 'Eka' } });
    expect(user.status).toBe('active');
  });

  test('a password built from the name is weak', async () => {
    const email = uniqueEmail();
    await expectProblem(server.client().user.register({ body: { email, password: 'Gunawan-2024!', name: 'Fajar Gunawan' } }), 400, 'USER_WEAK_PASSWORD');
    expect(await userRows(email)).toEqual([]);
  });

  test('a password shorter than the spec allows is a validation error before anything is stored', async () => {
    await expectProblem(server.client().user.register({ body: { email: uniqueEmail(), password: 'short', name: 'Gita' } }), 400, 'VALIDATION_FAILED');
  });

  test('an email whose credential exists only in auth is a 409 and the reservation is undone', async () => {
    const email = uniqueEmail('yatim');
    await serviceClient(server, 'user').auth.createCredential({ body: { userId: 'usr_01jd2x7k9q3m4n5p6r7s8t9v0w', email, password: PASSWORD } });
    await expectProblem(server.client().user.register({ body: { email, password: PASSWORD, name: 'Hadi' } }), 409, 'USER_EMAIL_TAKEN');
    expect(await userRows(email)).toEqual([]);
  });

  test('pending registrations are invisible, and a stale one gives way to a new registration', async () => {
    const email = uniqueEmail('macet');
    const staleId = 'usr_01aaaaaaaaaaaaaaaaaaaaaaaa';
    await sql`insert into "user".users (id, email, name, locale, status, created_at, updated_at)
      values (${staleId}, ${email}, 'Crashed', 'id-ID', 'pending', now() - interval '10 minutes', now() - interval '10 minutes')`.execute(server.database.db);
    // The crashed attempt got as far as storing its credential.
    await serviceClient(server, 'user').auth.createCredential({ body: { userId: staleId, email, password: PASSWORD } });
    await expectProblem(serviceClient(server, 'cart').user.getUser({ params: { userId: staleId } }), 404, 'USER_NOT_FOUND');

    const user = await server.client().user.register({ body: { email, password: PASSWORD, name: 'Indah' } });
    expect(user.id).not.toBe(staleId);
    expect(await userRows(email)).toEqual([{ id: user.id, status: 'active' }]);
    expect(await credentialRows(email)).toEqual([{ user_id: user.id }]);
  });

  test('an old pending registration whose process is unfinished is never cleared as stale; once the process ended it is', async () => {
    const email = uniqueEmail('berjalan');
    const id = 'usr_01cccccccccccccccccccccccc';
    await sql`insert into "user".users (id, email, name, locale, status, created_at, updated_at)
      values (${id}, ${email}, 'Slow', 'id-ID', 'pending', now() - interval '10 minutes', now() - interval '10 minutes')`.execute(server.database.db);
    // Its registration process is held by another live server (a lease far ahead).
    await sql`insert into tokobapak.processes (id, plugin, name, key, status, input, lease_owner, lease_until, created_at, updated_at)
      values ('prc_01cccccccccccccccccccccccc', 'user', 'registration', ${id}, 'running', '{}'::jsonb, 'elsewhere/1/x', now() + interval '1 hour', now(), now())`.execute(
      server.database.db,
    );
    await expectProblem(server.client().user.register({ body: { email, password: PASSWORD, name: 'Lina' } }), 409, 'USER_EMAIL_TAKEN');

    await sql`update tokobapak.processes set status = 'compensated', lease_owner = null, finished_at = now() where key = ${id}`.execute(server.database.db);
    const user = await server.client().user.register({ body: { email, password: PASSWORD, name: 'Lina' } });
    expect(await userRows(email)).toEqual([{ id: user.id, status: 'active' }]);
  });

  test('a fresh pending registration still holds its email', async () => {
    const email = uniqueEmail('baru');
    await sql`insert into "user".users (id, email, name, locale, status) values ('usr_01bbbbbbbbbbbbbbbbbbbbbbbb', ${email}, 'Running', 'id-ID', 'pending')`.execute(
      server.database.db,
    );
    await expectProblem(server.client().user.register({ body: { email, password: PASSWORD, name: 'Joko' } }), 409, 'USER_EMAIL_TAKEN');
  });

  test('a retry with the same idempotency key replays the answer instead of failing', async () => {
    const client = server.client();
    const body = { email: uniqueEmail(), password: PASSWORD, name: 'Kartika' };
    const first = await client.user.register({ body, idempotencyKey: 'daftar-1' });
    const again = await client.user.register({ body, idempotencyKey: 'daftar-1' });
    expect(again).toEqual(first);
  });
});

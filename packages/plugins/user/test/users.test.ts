import type { TestServer } from '@tokobapak/server/testing';
import { expectProblem, serviceClient } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ADMIN_EMAIL, PASSWORD, signUp, startServer, uniqueEmail } from './support.js';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

const unknownUser = 'usr_01jd2x7k9q3m4n5p6r7s8t9v0w';

describe('getUser', () => {
  test('other services and admins read any user; customers and guests cannot', async () => {
    const { user, client } = await signUp(server);
    expect(await serviceClient(server, 'cart').user.getUser({ params: { userId: user.id } })).toEqual(user);
    const admin = await signUp(server, { email: ADMIN_EMAIL, name: 'Operator' });
    expect(await admin.client.user.getUser({ params: { userId: user.id } })).toEqual(user);
    await expectProblem(client.user.getUser({ params: { userId: user.id } }), 403, 'FORBIDDEN');
    await expectProblem(server.client().user.getUser({ params: { userId: user.id } }), 401, 'UNAUTHENTICATED');
    await expectProblem(serviceClient(server, 'cart').user.getUser({ params: { userId: unknownUser } }), 404, 'USER_NOT_FOUND');
  });
});

describe('provisionUser', () => {
  const provision = (body: { email: string; name: string; emailVerified: boolean }) => serviceClient(server, 'auth').user.provisionUser({ body });

  test('creates an active, password-less user and announces it', async () => {
    const email = uniqueEmail('oidc');
    const first = await provision({ email: email.toUpperCase(), name: 'Maya', emailVerified: true });
    expect(first).toMatchObject({ created: true, user: { email, name: 'Maya', emailVerified: true, status: 'active', locale: 'id-ID', phone: null } });
    const events = await sql<{ type: string }>`select type from tokobapak.outbox where subject = ${first.user.id}`.execute(server.database.db);
    expect(events.rows).toEqual([{ type: 'user.registered' }]);
    // No credential: auth stores its own password-less one when it links the identity.
    expect((await sql`select 1 from auth.credentials where user_id = ${first.user.id}`.execute(server.database.db)).rows).toEqual([]);

    const again = await provision({ email, name: 'Another Name', emailVerified: true });
    expect(again).toEqual({ created: false, user: first.user });
  });

  test('an unverified provider email never yields an existing account', async () => {
    const { user, email } = await signUp(server);
    await expectProblem(provision({ email, name: 'Penyerang', emailVerified: false }), 409, 'USER_EMAIL_UNVERIFIED');
    const linked = await provision({ email, name: 'Pemilik', emailVerified: true });
    expect(linked.created).toBe(false);
    // The provider vouched for the email, so the account now counts as verified; the name is untouched.
    expect(linked.user).toMatchObject({ id: user.id, name: user.name, emailVerified: true });
  });

  test('a new user from an unverified provider email is created unverified', async () => {
    const result = await provision({ email: uniqueEmail('oidc'), name: 'Nina', emailVerified: false });
    expect(result).toMatchObject({ created: true, user: { emailVerified: false } });
  });

  test('concurrent provisioning of one email creates one user', async () => {
    const email = uniqueEmail('oidc');
    const results = await Promise.all(Array.from({ length: 10 }, () => provision({ email, name: 'Oki', emailVerified: true })));
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(new Set(results.map((result) => result.user.id)).size).toBe(1);
  });

  test('a registration in progress is a conflict, not a half-made user', async () => {
    const email = uniqueEmail('oidc');
    await sql`insert into "user".users (id, email, name, locale, status) values ('usr_01cccccccccccccccccccccccc', ${email}, 'Running', 'id-ID', 'pending')`.execute(
      server.database.db,
    );
    await expectProblem(provision({ email, name: 'Putri', emailVerified: true }), 409, 'USER_EMAIL_TAKEN');
  });

  test('only the auth service may call it', async () => {
    const body = { email: uniqueEmail('oidc'), name: 'Rudi', emailVerified: true };
    await expectProblem(serviceClient(server, 'cart').user.provisionUser({ body }), 403, 'FORBIDDEN');
    const { client } = await signUp(server);
    await expectProblem(client.user.provisionUser({ body }), 403, 'SERVICE_CREDENTIAL_REQUIRED');
  });

  test('the user made by provisioning can register no second account with that email', async () => {
    const email = uniqueEmail('oidc');
    await provision({ email, name: 'Sari', emailVerified: true });
    await expectProblem(server.client().user.register({ body: { email, password: PASSWORD, name: 'Sari' } }), 409, 'USER_EMAIL_TAKEN');
  });
});

import type { TestServer } from '@tokobapak/server/testing';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createAccount, startAuthServer } from './support/auth-server.js';

// A real SMTP server on 127.0.0.1: the reset mail travels over SMTP and is parsed back.
const inbox: Array<{ to: string; subject: string; text: string }> = [];
let smtp: SMTPServer;
const REQUESTS_PER_HOUR = 60;
let server: TestServer;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          inbox.push({ to: mail.to && !Array.isArray(mail.to) ? mail.to.text : '', subject: mail.subject ?? '', text: mail.text ?? '' });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as { port: number }).port;
  server = await startAuthServer(
    { passwordReset: { url: 'https://shop.example/reset?token={token}', requestsPerHour: REQUESTS_PER_HOUR } },
    { mail: { transport: 'smtp', url: `smtp://127.0.0.1:${port}`, from: 'Toko <no-reply@shop.example>' } },
  );
});

afterAll(async () => {
  await server?.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

/** Asks for a reset mail and waits until the auth service has handled the request (it mails after answering). */
async function forgot(email: string): Promise<void> {
  await server.client().auth.forgotPassword({ body: { email } });
  await server.relay.drain();
}

function tokenFrom(text: string): string {
  const match = text.match(/token=(prt_[A-Za-z0-9_-]+)/);
  if (!match?.[1]) throw new Error(`no reset link in: ${text}`);
  return match[1];
}

test('a forgotten password is reset with the emailed single-use token, and sessions end', async () => {
  const account = await createAccount(server, 'lupa@example.com');
  const session = await server.client().auth.login({ body: { email: account.email, password: account.password } });

  await forgot('Lupa@Example.com');
  const mail = inbox.find((message) => message.to === 'lupa@example.com');
  expect(mail?.subject).toMatch(/reset/i);
  const token = tokenFrom(mail?.text ?? '');

  await server.client().auth.resetPassword({ body: { token, newPassword: 'my new long password' } });
  await expect(server.client().auth.login({ body: { email: account.email, password: 'my new long password' } })).resolves.toMatchObject({
    userId: account.userId,
  });
  await expect(server.client().auth.login({ body: { email: account.email, password: account.password } })).rejects.toMatchObject({
    code: 'AUTH_INVALID_CREDENTIALS',
  });
  await expect(server.client().auth.refreshToken({ body: { refreshToken: session.refreshToken } })).rejects.toMatchObject({
    code: 'AUTH_REFRESH_TOKEN_INVALID',
  });

  // Single use.
  await expect(server.client().auth.resetPassword({ body: { token, newPassword: 'another long password' } })).rejects.toMatchObject({
    status: 400,
    code: 'AUTH_RESET_TOKEN_INVALID',
  });
});

test('an unknown email gets the same 202 and no mail', async () => {
  const before = inbox.length;
  const response = await server.app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email: 'ghost@example.com' } });
  expect(response.statusCode).toBe(202);
  await server.relay.drain();
  expect(inbox.length).toBe(before);
});

test('an expired reset token is refused', async () => {
  const account = await createAccount(server, 'late@example.com');
  await forgot(account.email);
  const token = tokenFrom(inbox.find((message) => message.to === account.email)?.text ?? '');
  await server.database.db
    .withSchema('auth')
    .updateTable('password_resets')
    .set({ expires_at: new Date(Date.now() - 1000) })
    .execute();
  await expect(server.client().auth.resetPassword({ body: { token, newPassword: 'too late password' } })).rejects.toMatchObject({
    code: 'AUTH_RESET_TOKEN_INVALID',
  });
});

test('concurrent resets with one token: exactly one wins', async () => {
  const account = await createAccount(server, 'twice@example.com');
  await forgot(account.email);
  const token = tokenFrom(inbox.filter((message) => message.to === account.email).at(-1)?.text ?? '');
  const results = await Promise.allSettled(
    ['first long password', 'second long password', 'third long password'].map((newPassword) =>
      server.client().auth.resetPassword({ body: { token, newPassword } }),
    ),
  );
  expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
});

/** Reset tokens of an account that would still work now. */
async function validResetTokens(userId: string): Promise<number> {
  const rows = await server.database.db
    .withSchema('auth')
    .selectFrom('password_resets')
    .select('id')
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .execute();
  return rows.length;
}

test('fifty requests at once for one account send at most five mails and leave exactly one valid link, the newest', async () => {
  const account = await createAccount(server, 'burst@example.com');
  const answers = await Promise.all(
    Array.from({ length: 50 }, () => server.app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email: account.email } })),
  );
  expect(answers.map((answer) => answer.statusCode)).toEqual(Array(50).fill(202));
  await server.relay.drain();
  const mails = inbox.filter((message) => message.to === account.email);
  expect(mails).toHaveLength(5);
  expect(await validResetTokens(account.userId)).toBe(1);
  const newest = tokenFrom(mails.at(-1)?.text ?? '');
  await expect(
    server.client().auth.resetPassword({ body: { token: tokenFrom(mails[0]?.text ?? ''), newPassword: 'an older link password' } }),
  ).rejects.toMatchObject({
    code: 'AUTH_RESET_TOKEN_INVALID',
  });
  await expect(server.client().auth.resetPassword({ body: { token: newest, newPassword: 'the newest link password' } })).resolves.toBeUndefined();
});

test('requests are limited per address, known or not: the same 429 with Retry-After past the limit', async () => {
  const known = await createAccount(server, 'often@example.com');
  for (const email of [known.email, 'never-registered@example.com']) {
    const answers = await Promise.all(
      Array.from({ length: REQUESTS_PER_HOUR + 1 }, () => server.app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email } })),
    );
    const refused = answers.filter((answer) => answer.statusCode === 429);
    expect(answers.filter((answer) => answer.statusCode === 202)).toHaveLength(REQUESTS_PER_HOUR);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(Number(refused[0]?.headers['retry-after'])).toBeGreaterThan(3500);
  }
  // Another address is not held back by them.
  expect((await server.app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email: 'fresh@example.com' } })).statusCode).toBe(202);
  await server.relay.drain();
});

test('a known and an unknown email take the same steps before the answer; only the mail, sent afterwards, differs', async () => {
  const account = await createAccount(server, 'same-steps@example.com');
  const published = async (email: string) =>
    server.database.db
      .withSchema('tokobapak')
      .selectFrom('outbox')
      .select(['type', 'data'])
      .where('type', 'like', 'auth.%')
      .execute()
      .then((rows) => rows.filter((row) => (row.data as { email?: string }).email === email));
  const before = inbox.length;
  for (const email of [account.email, 'nobody-here@example.com']) {
    const answer = await server.app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email } });
    expect(answer.statusCode).toBe(202);
    expect(answer.body).toBe('');
    // The handler's whole work: count the request, publish one event of the same shape.
    expect(await published(email)).toEqual([{ type: 'auth.password-reset-requested', data: { email } }]);
  }
  await server.relay.drain();
  expect(inbox.slice(before).map((message) => message.to)).toEqual([account.email]);
});

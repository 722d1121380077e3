import type { TestServer } from '@tokobapak/server/testing';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createAccount, startAuthServer } from './support/auth-server.js';

// A real SMTP server on 127.0.0.1: the reset mail travels over SMTP and is parsed back.
const inbox: Array<{ to: string; subject: string; text: string }> = [];
let smtp: SMTPServer;
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
    { passwordReset: { url: 'https://shop.example/reset?token={token}' } },
    { mail: { transport: 'smtp', url: `smtp://127.0.0.1:${port}`, from: 'Toko <no-reply@shop.example>' } },
  );
});

afterAll(async () => {
  await server?.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

function tokenFrom(text: string): string {
  const match = text.match(/token=(prt_[A-Za-z0-9_-]+)/);
  if (!match?.[1]) throw new Error(`no reset link in: ${text}`);
  return match[1];
}

test('a forgotten password is reset with the emailed single-use token, and sessions end', async () => {
  const account = await createAccount(server, 'lupa@example.com');
  const session = await server.client().auth.login({ body: { email: account.email, password: account.password } });

  await server.client().auth.forgotPassword({ body: { email: 'Lupa@Example.com' } });
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
  expect(inbox.length).toBe(before);
});

test('an expired reset token is refused', async () => {
  const account = await createAccount(server, 'late@example.com');
  await server.client().auth.forgotPassword({ body: { email: account.email } });
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
  await server.client().auth.forgotPassword({ body: { email: account.email } });
  const token = tokenFrom(inbox.filter((message) => message.to === account.email).at(-1)?.text ?? '');
  const results = await Promise.allSettled(
    ['first long password', 'second long password', 'third long password'].map((newPassword) =>
      server.client().auth.resetPassword({ body: { token, newPassword } }),
    ),
  );
  expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
});

import type { AddressInfo } from 'node:net';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createMailer, createSmtpMailer } from '../../src/mail/index.js';

interface Received {
  mail: ParsedMail;
  session: SMTPServerSession;
}

interface TestSmtpServer {
  url(user: string, pass: string): string;
  received: Received[];
  close(): Promise<void>;
}

// A real SMTP server on 127.0.0.1:0 that accepts one account and keeps every parsed message.
async function startSmtpServer(options: { user: string; pass: string; starttls: boolean }): Promise<TestSmtpServer> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: false,
    // Without STARTTLS the credentials travel in clear, which smtp-server refuses unless told.
    allowInsecureAuth: !options.starttls,
    disabledCommands: options.starttls ? [] : ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === options.user && auth.password === options.pass) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push({ mail, session });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: (user, pass) => `smtp://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return list.flatMap((group) => group.value.map((entry) => entry.address ?? ''));
}

describe('SMTP mailer', () => {
  let server: TestSmtpServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('delivers a message to an SMTP server that requires a login', async () => {
    server = await startSmtpServer({ user: 'mailer', pass: 'p@ss:word', starttls: false });
    const mailer = createSmtpMailer({ url: server.url('mailer', 'p@ss:word'), from: 'Toko Bapak <shop@toko.test>' });
    await mailer.verify();

    const { messageId } = await mailer.send({
      to: 'alice@example.com',
      subject: 'Pesanan Anda sudah dikirim ✓',
      text: 'Hello Alice,\nyour order is on its way.',
      html: '<p>Hello Alice, your order is on its way.</p>',
    });
    mailer.close();

    expect(server.received).toHaveLength(1);
    const [{ mail, session }] = server.received as [Received];
    expect(session.user).toBe('mailer');
    expect(addresses(mail.to)).toEqual(['alice@example.com']);
    expect(addresses(mail.from)).toEqual(['shop@toko.test']);
    expect(mail.subject).toBe('Pesanan Anda sudah dikirim ✓');
    expect(mail.text?.trim()).toBe('Hello Alice,\nyour order is on its way.');
    expect(mail.html).toContain('your order is on its way');
    expect(mail.messageId).toBe(messageId);
  });

  it('upgrades with STARTTLS and passes tls options through', async () => {
    server = await startSmtpServer({ user: 'mailer', pass: 'secret', starttls: true });
    // smtp-server's built-in certificate is self-signed.
    const mailer = createSmtpMailer({ url: server.url('mailer', 'secret'), tls: { rejectUnauthorized: false } });

    await mailer.send({ to: 'bob@example.com', subject: 'Over TLS', text: 'Encrypted on the wire.' });
    mailer.close();

    const [{ mail, session }] = server.received as [Received];
    expect(session.secure).toBe(true);
    expect(addresses(mail.to)).toEqual(['bob@example.com']);
    expect(mail.from?.value).toEqual([{ name: 'TokoBapak', address: 'no-reply@tokobapak.local' }]);
    expect(mail.text?.trim()).toBe('Encrypted on the wire.');
  });

  it('rejects the send when the relay refuses the credentials', async () => {
    server = await startSmtpServer({ user: 'mailer', pass: 'secret', starttls: false });
    const mailer = createMailer({ transport: 'smtp', url: server.url('mailer', 'wrong') });

    await expect(mailer.send({ to: 'alice@example.com', subject: 'Nope', text: 'Never arrives.' })).rejects.toThrow(/Invalid username or password/);
    expect(server.received).toHaveLength(0);
  });
});

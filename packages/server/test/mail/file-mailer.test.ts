import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileMailer, createMailer, listMailFiles, mailConfigFromEnv } from '../../src/mail/index.js';

describe('file mailer', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tokobapak-mail-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes an .eml file that parses back to the message', async () => {
    const logged: Array<{ details: object; message: string }> = [];
    const mailer = createFileMailer({
      dir: join(dir, 'mail'),
      from: 'Toko <shop@toko.test>',
      log: { info: (details, message) => logged.push({ details, message }) },
      clock: { now: () => new Date('2026-11-20T10:15:30.123Z') },
    });

    const { messageId } = await mailer.send({
      to: 'alice@example.com',
      subject: 'Reset your password',
      text: 'Open http://localhost/reset?token=abc',
      html: '<a href="http://localhost/reset?token=abc">Reset</a>',
    });

    const [file] = await listMailFiles(join(dir, 'mail'));
    expect(file).toBeDefined();
    expect(basename(file as string)).toMatch(/^20261120T101530123Z-\d{6}-[0-9a-f]{6}-alice@example\.com\.eml$/);
    const raw = await readFile(file as string);
    expect(raw.includes('\r\n')).toBe(true);
    const mail = await simpleParser(raw);
    expect(mail.messageId).toBe(messageId);
    expect(mail.subject).toBe('Reset your password');
    expect(mail.from?.value).toEqual([{ name: 'Toko', address: 'shop@toko.test' }]);
    expect(Array.isArray(mail.to) ? mail.to[0]?.text : mail.to?.text).toBe('alice@example.com');
    expect(mail.text?.trim()).toBe('Open http://localhost/reset?token=abc');
    expect(mail.html).toContain('token=abc');
    expect(mail.date?.toISOString()).toBe('2026-11-20T10:15:30.000Z');
    expect(logged).toEqual([{ details: { to: 'alice@example.com', subject: 'Reset your password', file, messageId }, message: 'mail written to file' }]);
  });

  it('names files so that a sort is send order, and finds the last mail to someone', async () => {
    const mailer = createMailer({ transport: 'file', dir });
    for (const [to, subject] of [
      ['alice@example.com', 'first'],
      ['bob@example.com', 'second'],
      ['Alice@Example.com', 'third'],
      ['bob@example.com', 'fourth'],
    ] as const) {
      await mailer.send({ to, subject, text: subject });
    }

    const all = await listMailFiles(dir);
    const subjects = await Promise.all(all.map(async (file) => (await simpleParser(await readFile(file))).subject));
    expect(subjects).toEqual(['first', 'second', 'third', 'fourth']);

    const toAlice = await listMailFiles(dir, { to: 'alice@example.com' });
    expect(toAlice).toHaveLength(2);
    const last = await simpleParser(await readFile(toAlice.at(-1) as string));
    expect(last.subject).toBe('third');
    expect(last.from?.value).toEqual([{ name: 'TokoBapak', address: 'no-reply@tokobapak.local' }]);
    expect(await listMailFiles(join(dir, 'missing'))).toEqual([]);
  });
});

describe('memory mailer', () => {
  it('keeps sent messages', async () => {
    const mailer = createMailer({ transport: 'memory' });
    const { messageId } = await mailer.send({ to: 'alice@example.com', subject: 'Hi', text: 'Hello' });
    await mailer.send({ to: 'bob@example.com', subject: 'Yo', text: 'Hey' });
    expect(mailer.messages.map((m) => m.subject)).toEqual(['Hi', 'Yo']);
    expect(mailer.lastTo('ALICE@example.com')).toMatchObject({ messageId, subject: 'Hi', text: 'Hello' });
    mailer.clear();
    expect(mailer.messages).toEqual([]);
  });
});

describe('mailConfigFromEnv', () => {
  it('defaults to files, switches to SMTP when a URL is given, and names bad variables', () => {
    expect(mailConfigFromEnv({}, { dir: '/data/mail' })).toEqual({ transport: 'file', dir: '/data/mail' });
    expect(mailConfigFromEnv({ TOKOBAPAK_MAIL_DIR: '/var/mail', TOKOBAPAK_MAIL_FROM: 'Shop <s@x.test>' }, { dir: '/data/mail' })).toEqual({
      transport: 'file',
      dir: '/var/mail',
      from: 'Shop <s@x.test>',
    });
    expect(mailConfigFromEnv({ TOKOBAPAK_SMTP_URL: 'smtp://u:p@mail.test:587' }, { dir: '/d' })).toEqual({
      transport: 'smtp',
      url: 'smtp://u:p@mail.test:587',
    });
    expect(mailConfigFromEnv({ TOKOBAPAK_MAIL_TRANSPORT: 'memory', TOKOBAPAK_SMTP_URL: 'smtp://x' }, { dir: '/d' })).toEqual({ transport: 'memory' });
    expect(() => mailConfigFromEnv({ TOKOBAPAK_MAIL_TRANSPORT: 'smtp' }, { dir: '/d' })).toThrow(/TOKOBAPAK_SMTP_URL/);
    expect(() => mailConfigFromEnv({ TOKOBAPAK_SMTP_URL: 'mail.test:25' }, { dir: '/d' })).toThrow(/smtp:\/\//);
    expect(() => mailConfigFromEnv({ TOKOBAPAK_MAIL_TRANSPORT: 'sendmail' }, { dir: '/d' })).toThrow(/TOKOBAPAK_MAIL_TRANSPORT/);
  });
});

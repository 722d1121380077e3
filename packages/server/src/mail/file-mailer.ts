import { randomBytes } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { DEFAULT_MAIL_FROM, type MailLog } from './defaults.js';
import type { Mailer } from './types.js';

/** Options for {@link createFileMailer}. */
export interface FileMailerOptions {
  /** Folder the `.eml` files go to; created when missing. */
  dir: string;
  /** The `From` header; defaults to {@link DEFAULT_MAIL_FROM}. */
  from?: string;
  /** Receives one line per written message (recipient, subject, file). */
  log?: MailLog;
  /** Time source for the file names and the `Date` header. */
  clock?: { now(): Date };
}

/** A mailer that writes `.eml` files. */
export interface FileMailer extends Mailer {
  /** The folder messages are written to. */
  readonly dir: string;
}

const EXTENSION = '.eml';

// Ties within one millisecond keep their send order; the random part keeps two processes
// sharing a folder from overwriting each other.
let sequence = 0;

/**
 * Writes each message as an RFC 5322 `.eml` file named
 * `<UTC time>-<sequence>-<random>-<recipient>.eml`, so a plain name sort is send order and the
 * recipient is visible without opening the file. Built by nodemailer, so the file is exactly what
 * SMTP would have carried; any mail client opens it.
 *
 * @example
 * ```ts
 * const mailer = createFileMailer({ dir: './data/mail' });
 * const { messageId } = await mailer.send({ to: 'alice@example.com', subject: 'Welcome', text: 'Hello Alice' });
 * const [latest] = (await listMailFiles('./data/mail', { to: 'alice@example.com' })).slice(-1);
 * ```
 */
export function createFileMailer(options: FileMailerOptions): FileMailer {
  const transport = createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const from = options.from ?? DEFAULT_MAIL_FROM;

  return {
    dir: options.dir,
    async send(message) {
      // Cheap when the folder exists, and survives someone emptying it by deleting it.
      await mkdir(options.dir, { recursive: true });
      const date = options.clock?.now() ?? new Date();
      const info = await transport.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html === undefined ? {} : { html: message.html }),
        date,
      });
      const file = join(options.dir, mailFileName(date, message.to));
      // `wx`: never replace an existing message, whatever the name says.
      await writeFile(file, info.message as Buffer, { flag: 'wx' });
      options.log?.info({ to: message.to, subject: message.subject, file, messageId: info.messageId }, 'mail written to file');
      return { messageId: info.messageId };
    },
  };
}

/**
 * The `.eml` files in `dir`, oldest first, optionally only those addressed to `to`
 * (matched case-insensitively against the recipient part of the name).
 *
 * @example
 * ```ts
 * const files = await listMailFiles('./data/mail', { to: 'alice@example.com' });
 * const latest = files.at(-1);
 * ```
 */
export async function listMailFiles(dir: string, filter: { to?: string } = {}): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const wanted = filter.to === undefined ? undefined : recipientPart(filter.to);
  return names
    .filter((name) => name.endsWith(EXTENSION))
    .filter((name) => wanted === undefined || name.slice(0, -EXTENSION.length).split('-').slice(3).join('-').includes(wanted))
    .sort()
    .map((name) => join(dir, name));
}

function mailFileName(date: Date, to: string): string {
  // 2026-11-20T10:15:30.123Z -> 20261120T101530123Z: sortable and valid on every file system.
  const time = date.toISOString().replace(/[-:.]/g, '');
  sequence = (sequence + 1) % 1_000_000;
  const seq = String(sequence).padStart(6, '0');
  return `${time}-${seq}-${randomBytes(3).toString('hex')}-${recipientPart(to)}${EXTENSION}`;
}

function recipientPart(to: string): string {
  return to
    .toLowerCase()
    .replace(/[^a-z0-9@._+-]+/g, '_')
    .slice(0, 120);
}

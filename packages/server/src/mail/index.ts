import type { MailLog } from './defaults.js';
import { createFileMailer, type FileMailer } from './file-mailer.js';
import type { MailConfig } from './mail-config.js';
import { createMemoryMailer, type MemoryMailer } from './memory-mailer.js';
import { createSmtpMailer, type SmtpMailer } from './smtp-mailer.js';
import type { Mailer } from './types.js';

export { DEFAULT_MAIL_FROM, type MailLog } from './defaults.js';
export { createFileMailer, type FileMailer, type FileMailerOptions, listMailFiles } from './file-mailer.js';
export { type MailConfig, type MailEnv, mailConfigFromEnv } from './mail-config.js';
export { createMemoryMailer, type MemoryMailer, type SentMail } from './memory-mailer.js';
export { createSmtpMailer, type SmtpMailer, type SmtpMailerOptions } from './smtp-mailer.js';
export type { Mailer, MailMessage } from './types.js';

/** What the runtime hands every mailer besides its config. */
export interface MailerDependencies {
  log?: MailLog;
  clock?: { now(): Date };
}

/**
 * Builds the mailer a {@link MailConfig} describes.
 *
 * @example
 * ```ts
 * const mailer = createMailer({ transport: 'file', dir: './data/mail' });
 * await mailer.send({ to: 'alice@example.com', subject: 'Welcome', text: 'Hello Alice' });
 * ```
 */
export function createMailer(config: Extract<MailConfig, { transport: 'file' }>, deps?: MailerDependencies): FileMailer;
export function createMailer(config: Extract<MailConfig, { transport: 'smtp' }>, deps?: MailerDependencies): SmtpMailer;
export function createMailer(config: Extract<MailConfig, { transport: 'memory' }>, deps?: MailerDependencies): MemoryMailer;
export function createMailer(config: MailConfig, deps?: MailerDependencies): Mailer;
export function createMailer(config: MailConfig, deps: MailerDependencies = {}): Mailer {
  switch (config.transport) {
    case 'file':
      return createFileMailer({ dir: config.dir, from: config.from, log: deps.log, clock: deps.clock });
    case 'smtp':
      return createSmtpMailer({ url: config.url, from: config.from, log: deps.log });
    case 'memory':
      return createMemoryMailer({ clock: deps.clock });
  }
}

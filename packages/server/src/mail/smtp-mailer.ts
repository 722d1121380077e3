import type { ConnectionOptions } from 'node:tls';
import { createTransport } from 'nodemailer';
import { DEFAULT_MAIL_FROM, type MailLog } from './defaults.js';
import type { Mailer } from './types.js';

/** Options for {@link createSmtpMailer}. */
export interface SmtpMailerOptions {
  /**
   * `smtp://user:pass@host:port` (STARTTLS when the server offers it) or `smtps://…` (TLS from
   * the first byte, usually port 465). Percent-encode special characters in the user and password.
   */
  url: string;
  /** The `From` header; defaults to {@link DEFAULT_MAIL_FROM}. */
  from?: string;
  /** Forces TLS from the first byte (what `smtps://` implies). */
  secure?: boolean;
  /** Passed to `tls.connect`, e.g. `{ rejectUnauthorized: false }` for a relay with a self-signed certificate. */
  tls?: ConnectionOptions;
  /** Receives one line per accepted message. */
  log?: MailLog;
}

/** A mailer that delivers through an SMTP relay. */
export interface SmtpMailer extends Mailer {
  /** Connects and authenticates without sending, so a bad URL fails at start-up rather than at the first mail. */
  verify(): Promise<void>;
  /** Closes the transport. */
  close(): void;
}

/**
 * Delivers through an SMTP relay with nodemailer's SMTP transport (one connection per message).
 *
 * @example
 * ```ts
 * const mailer = createSmtpMailer({ url: 'smtp://apikey:secret@smtp.example.com:587', from: 'Toko <shop@example.com>' });
 * await mailer.verify();
 * await mailer.send({ to: 'alice@example.com', subject: 'Your order', text: 'It shipped.' });
 * ```
 */
export function createSmtpMailer(options: SmtpMailerOptions): SmtpMailer {
  // Only keys that were given: nodemailer lets keys beside `url` override what the URL says.
  const transport = createTransport({
    url: options.url,
    ...(options.secure === undefined ? {} : { secure: options.secure }),
    ...(options.tls === undefined ? {} : { tls: options.tls }),
  });
  const from = options.from ?? DEFAULT_MAIL_FROM;

  return {
    async send(message) {
      const info = await transport.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html === undefined ? {} : { html: message.html }),
      });
      options.log?.info({ to: message.to, subject: message.subject, messageId: info.messageId, response: info.response }, 'mail sent over SMTP');
      return { messageId: info.messageId };
    },
    async verify() {
      await transport.verify();
    },
    close() {
      transport.close();
    },
  };
}

import { randomUUID } from 'node:crypto';
import type { Mailer, MailMessage } from './types.js';

/** A message kept by the memory mailer, with the id `send()` returned. */
export interface SentMail extends MailMessage {
  messageId: string;
  sentAt: Date;
}

/** A mailer that keeps what it sends, for unit tests. */
export interface MemoryMailer extends Mailer {
  /** Every message sent so far, oldest first. */
  readonly messages: SentMail[];
  /** The most recent message whose `to` contains `address` (case-insensitive), if any. */
  lastTo(address: string): SentMail | undefined;
  /** Forgets every message. */
  clear(): void;
}

/**
 * Keeps sent messages in an array instead of delivering them.
 *
 * @example
 * ```ts
 * const mailer = createMemoryMailer();
 * await mailer.send({ to: 'alice@example.com', subject: 'Hi', text: 'Hello' });
 * mailer.lastTo('alice@example.com')?.subject; // 'Hi'
 * ```
 */
export function createMemoryMailer(options: { clock?: { now(): Date } } = {}): MemoryMailer {
  const now = () => options.clock?.now() ?? new Date();
  const messages: SentMail[] = [];
  return {
    messages,
    async send(message) {
      const messageId = `<${randomUUID()}@tokobapak.local>`;
      messages.push({ ...message, messageId, sentAt: now() });
      return { messageId };
    },
    lastTo(address) {
      const wanted = address.toLowerCase();
      for (let i = messages.length - 1; i >= 0; i--) {
        const sent = messages[i];
        if (sent?.to.toLowerCase().includes(wanted)) return sent;
      }
      return undefined;
    },
    clear() {
      messages.length = 0;
    },
  };
}

/** The sender used when a store configures none. */
export const DEFAULT_MAIL_FROM = 'TokoBapak <no-reply@tokobapak.local>';

/** The slice of a pino/Fastify logger the mailers write to. */
export interface MailLog {
  info(details: object, message: string): void;
}

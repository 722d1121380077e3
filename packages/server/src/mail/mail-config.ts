/** How a store sends mail; see `docs/mail.md`. */
export type MailConfig = { transport: 'file'; dir: string; from?: string } | { transport: 'smtp'; url: string; from?: string } | { transport: 'memory' };

/** The environment variables {@link mailConfigFromEnv} reads. */
export interface MailEnv {
  TOKOBAPAK_MAIL_TRANSPORT?: string | undefined;
  TOKOBAPAK_MAIL_DIR?: string | undefined;
  TOKOBAPAK_SMTP_URL?: string | undefined;
  TOKOBAPAK_MAIL_FROM?: string | undefined;
}

/**
 * Reads {@link MailConfig} from `TOKOBAPAK_MAIL_*` variables. Without `TOKOBAPAK_MAIL_TRANSPORT`
 * the transport is `smtp` when `TOKOBAPAK_SMTP_URL` is set and `file` otherwise, so setting the
 * URL alone is enough to go live. Throws, naming the variable, on a value it cannot use.
 *
 * @example
 * ```ts
 * const config = mailConfigFromEnv(process.env, { dir: './data/mail' });
 * const mailer = createMailer(config);
 * ```
 */
export function mailConfigFromEnv(env: MailEnv, defaults: { dir: string }): MailConfig {
  const transport = blankToUndefined(env.TOKOBAPAK_MAIL_TRANSPORT) ?? (blankToUndefined(env.TOKOBAPAK_SMTP_URL) ? 'smtp' : 'file');
  const from = blankToUndefined(env.TOKOBAPAK_MAIL_FROM);
  const withFrom = from === undefined ? {} : { from };
  switch (transport) {
    case 'file':
      return { transport, dir: blankToUndefined(env.TOKOBAPAK_MAIL_DIR) ?? defaults.dir, ...withFrom };
    case 'smtp': {
      const url = blankToUndefined(env.TOKOBAPAK_SMTP_URL);
      if (url === undefined) throw new Error('TOKOBAPAK_MAIL_TRANSPORT=smtp needs TOKOBAPAK_SMTP_URL (smtp://user:pass@host:port)');
      if (!/^smtps?:\/\//i.test(url)) throw new Error('TOKOBAPAK_SMTP_URL must start with smtp:// or smtps://');
      return { transport, url, ...withFrom };
    }
    case 'memory':
      return { transport };
    default:
      throw new Error(`TOKOBAPAK_MAIL_TRANSPORT must be file, smtp or memory, not "${transport}"`);
  }
}

function blankToUndefined(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

/** Settings of the merchant service (the `merchant` key of `tokobapak.config.mjs`). */
export interface MerchantPluginOptions {
  /**
   * The link in invitation mails, with `{token}` where the token goes; default
   * `<publicUrl>/accept-invitation?token={token}`. Point it at the page of your merchant app that
   * calls `acceptInvitation`.
   */
  invitationUrl?: string;
  /** How long an invitation stays valid, in seconds; default 7 days. */
  invitationTtlSeconds?: number;
}

/** Options with their defaults applied. */
export interface MerchantSettings {
  invitationUrl: string | undefined;
  invitationTtlMs: number;
}

const SEVEN_DAYS = 7 * 24 * 3600;

/** Applies defaults to the plugin options. */
export function resolveSettings(options: MerchantPluginOptions): MerchantSettings {
  const seconds = options.invitationTtlSeconds ?? SEVEN_DAYS;
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`merchant: invitationTtlSeconds must be a positive number, got ${seconds}`);
  if (options.invitationUrl !== undefined && !options.invitationUrl.includes('{token}')) {
    throw new Error(`merchant: invitationUrl must contain {token}, got ${options.invitationUrl}`);
  }
  return { invitationUrl: options.invitationUrl, invitationTtlMs: seconds * 1000 };
}

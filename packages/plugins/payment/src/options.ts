/** Settings of the payment service (the `payment` key of `tokobapak.config.mjs`); each falls back to an environment variable. */
export interface PaymentPluginOptions {
  /** The gateway new payments go through: `sandbox` (default; `TOKOBAPAK_PAYMENT_PROVIDER`) or `midtrans`. */
  provider?: 'sandbox' | 'midtrans';
  sandbox?: {
    /**
     * Whether the built-in sandbox gateway (and `simulatePayment`) is on; default: on when it is the
     * provider (`TOKOBAPAK_PAYMENT_SANDBOX=on|off`). Turn it off on a store that takes real money.
     */
    enabled?: boolean;
    /** The HMAC key of its webhooks (`TOKOBAPAK_PAYMENT_SANDBOX_SECRET`); default: made on first start and kept in the database. */
    webhookSecret?: string;
  };
  midtrans?: {
    /** The Midtrans server key (`TOKOBAPAK_MIDTRANS_SERVER_KEY`); Midtrans is available when it is set. */
    serverKey?: string;
    /** Default `https://api.sandbox.midtrans.com`, or `https://api.midtrans.com` with `production` (`TOKOBAPAK_MIDTRANS_BASE_URL`). */
    baseUrl?: string;
    /** Use Midtrans's production API (`TOKOBAPAK_MIDTRANS_PRODUCTION=true`). */
    production?: boolean;
    /** Per request, in milliseconds; default 10000. */
    timeoutMs?: number;
  };
  /** How often the reconciliation job runs, in seconds; default 60. */
  reconcileIntervalSeconds?: number;
  /** How long a payment may stay pending before reconciliation asks the gateway about it, in seconds; default 600. */
  reconcileAfterSeconds?: number;
  /**
   * How long a voided reference's record is kept, in days; default 30, at least 7 (the longest a
   * charge lives). Older ones are pruned by the `prune-voided-references` job.
   */
  voidRetentionDays?: number;
  /** The `fetch` the gateway adapters use (tests pass their own); default the global one. */
  fetch?: typeof fetch;
  /** Where the fallbacks are read; default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** Options with their defaults and environment fallbacks applied. */
export interface PaymentSettings {
  provider: 'sandbox' | 'midtrans';
  sandbox: { enabled: boolean; webhookSecret: string | undefined };
  midtrans: { serverKey: string; baseUrl: string; timeoutMs: number } | undefined;
  reconcileIntervalMs: number;
  reconcileAfterMs: number;
  voidRetentionMs: number;
  fetch: typeof fetch;
}

/** Applies defaults and environment variables; a contradictory configuration fails at start, naming what to fix. */
export function resolveSettings(options: PaymentPluginOptions): PaymentSettings {
  const env = options.env ?? process.env;
  const provider = options.provider ?? env.TOKOBAPAK_PAYMENT_PROVIDER ?? 'sandbox';
  if (provider !== 'sandbox' && provider !== 'midtrans') throw new Error(`payment: provider must be sandbox or midtrans, got ${provider}`);
  const sandboxFlag = env.TOKOBAPAK_PAYMENT_SANDBOX;
  const sandboxEnabled = options.sandbox?.enabled ?? (sandboxFlag === undefined ? provider === 'sandbox' : ['on', 'true', '1'].includes(sandboxFlag));
  if (provider === 'sandbox' && !sandboxEnabled) throw new Error('payment: the provider is sandbox but the sandbox is disabled');
  const serverKey = options.midtrans?.serverKey ?? env.TOKOBAPAK_MIDTRANS_SERVER_KEY;
  if (provider === 'midtrans' && !serverKey) throw new Error('payment: provider midtrans needs midtrans.serverKey (or TOKOBAPAK_MIDTRANS_SERVER_KEY)');
  const production = options.midtrans?.production ?? env.TOKOBAPAK_MIDTRANS_PRODUCTION === 'true';
  const baseUrl = (
    options.midtrans?.baseUrl ??
    env.TOKOBAPAK_MIDTRANS_BASE_URL ??
    (production ? 'https://api.midtrans.com' : 'https://api.sandbox.midtrans.com')
  ).replace(/\/+$/, '');
  const seconds = (value: number | undefined, name: string, fallback: number) => {
    const resolved = value ?? fallback;
    if (!Number.isFinite(resolved) || resolved <= 0) throw new Error(`payment: ${name} must be a positive number, got ${resolved}`);
    return resolved * 1000;
  };
  return {
    provider,
    sandbox: { enabled: sandboxEnabled, webhookSecret: options.sandbox?.webhookSecret ?? env.TOKOBAPAK_PAYMENT_SANDBOX_SECRET },
    midtrans: serverKey ? { serverKey, baseUrl, timeoutMs: options.midtrans?.timeoutMs ?? 10_000 } : undefined,
    reconcileIntervalMs: seconds(options.reconcileIntervalSeconds, 'reconcileIntervalSeconds', 60),
    reconcileAfterMs: seconds(options.reconcileAfterSeconds, 'reconcileAfterSeconds', 600),
    voidRetentionMs: voidRetentionMs(options.voidRetentionDays),
    fetch: options.fetch ?? fetch,
  };
}

/** Seven days: no payment's charge lives longer (`expiresInSeconds` at most 604800). */
const MIN_VOID_RETENTION_DAYS = 7;

function voidRetentionMs(days: number | undefined): number {
  const resolved = days ?? 30;
  if (!Number.isFinite(resolved) || resolved < MIN_VOID_RETENTION_DAYS) {
    throw new Error(`payment: voidRetentionDays must be at least ${MIN_VOID_RETENTION_DAYS} (the longest a charge lives), got ${resolved}`);
  }
  return resolved * 86_400_000;
}

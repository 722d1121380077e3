/** Settings of the shipping service (the `shipping` key of `tokobapak.config.mjs`). */
export interface ShippingPluginOptions {
  /**
   * The marketplace's Biteship account. Without it, stores cannot choose Biteship and
   * `/shipping/webhooks/biteship` answers 404.
   */
  biteship?: {
    /** The API key (`biteship_live.…` or `biteship_test.…`), sent as the `authorization` header. */
    apiKey: string;
    /** The secret Biteship sends in the `X-Biteship-Webhook-Secret` header of every webhook (set in its dashboard). */
    webhookSecret: string;
    /** Default `https://api.biteship.com`; tests point it at a local server. */
    baseUrl?: string;
    /** How long one call may take, in milliseconds; default 10000. */
    timeoutMs?: number;
  };
  /** How often open carrier shipments are polled, in seconds; default 300. */
  pollIntervalSeconds?: number;
  /** How many open shipments one polling pass asks about; default 50. */
  pollBatchSize?: number;
  /** How many days after it was made a quote can still be shipped (the order fixed it at checkout); default 30. */
  shipmentQuoteDays?: number;
  /** Injected for tests; default the global `fetch`. */
  fetch?: typeof fetch;
}

/** Options with their defaults applied. */
export interface ShippingSettings {
  biteship: { apiKey: string; webhookSecret: string; baseUrl: string; timeoutMs: number } | null;
  pollIntervalMs: number;
  pollBatchSize: number;
  shipmentQuoteMs: number;
  fetch: typeof fetch;
}

/** Applies defaults to the plugin options, refusing values that cannot work. */
export function resolveSettings(options: ShippingPluginOptions): ShippingSettings {
  const poll = options.pollIntervalSeconds ?? 300;
  if (!Number.isFinite(poll) || poll <= 0) throw new Error(`shipping: pollIntervalSeconds must be a positive number, got ${poll}`);
  const batch = options.pollBatchSize ?? 50;
  if (!Number.isInteger(batch) || batch < 1 || batch > 1000) throw new Error(`shipping: pollBatchSize must be an integer from 1 to 1000, got ${batch}`);
  const days = options.shipmentQuoteDays ?? 30;
  if (!Number.isFinite(days) || days <= 0) throw new Error(`shipping: shipmentQuoteDays must be a positive number, got ${days}`);
  let biteship: ShippingSettings['biteship'] = null;
  if (options.biteship) {
    const { apiKey, webhookSecret } = options.biteship;
    if (typeof apiKey !== 'string' || apiKey.length === 0) throw new Error('shipping: biteship.apiKey is required');
    // A short secret in a header is all that authenticates a webhook: refuse guessable ones.
    if (typeof webhookSecret !== 'string' || webhookSecret.length < 16) throw new Error('shipping: biteship.webhookSecret must be at least 16 characters');
    biteship = {
      apiKey,
      webhookSecret,
      baseUrl: (options.biteship.baseUrl ?? 'https://api.biteship.com').replace(/\/+$/, ''),
      timeoutMs: options.biteship.timeoutMs ?? 10_000,
    };
  }
  return {
    biteship,
    pollIntervalMs: poll * 1000,
    pollBatchSize: batch,
    shipmentQuoteMs: days * 86_400_000,
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
  };
}

/** Settings of the promotion service (the `promotion` key of `tokobapak.config.mjs`). */
export interface PromotionPluginOptions {
  /** How often the job that expires unconfirmed redemptions runs, in seconds; default 30. */
  sweepIntervalSeconds?: number;
  /**
   * How long a process keeps the candidate promotions of a cart's question (currency, stores,
   * codes) for the next evaluations, in milliseconds; default 2000, 0 turns it off. A change made
   * through another process is seen by this one within that time; its own changes at once.
   */
  candidateCacheMs?: number;
}

/** Options with their defaults applied. */
export interface PromotionSettings {
  sweepIntervalMs: number;
  candidateCacheMs: number;
}

/** The longest `candidateCacheMs` taken: a change seen a minute late by other processes is already a long time for a shopper. */
const MAX_CANDIDATE_CACHE_MS = 60_000;

/** Applies defaults to the plugin options. */
export function resolveSettings(options: PromotionPluginOptions): PromotionSettings {
  const seconds = options.sweepIntervalSeconds ?? 30;
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 86_400) {
    throw new Error(`promotion: sweepIntervalSeconds must be a number of seconds from 0 to 86400, got ${seconds}`);
  }
  const cacheMs = options.candidateCacheMs ?? 2_000;
  if (!Number.isInteger(cacheMs) || cacheMs < 0 || cacheMs > MAX_CANDIDATE_CACHE_MS) {
    throw new Error(`promotion: candidateCacheMs must be a whole number of milliseconds from 0 to ${MAX_CANDIDATE_CACHE_MS}, got ${cacheMs}`);
  }
  return { sweepIntervalMs: Math.round(seconds * 1000), candidateCacheMs: cacheMs };
}

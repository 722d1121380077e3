/** Settings of the promotion service (the `promotion` key of `tokobapak.config.mjs`). */
export interface PromotionPluginOptions {
  /** How often the job that expires unconfirmed redemptions runs, in seconds; default 30. */
  sweepIntervalSeconds?: number;
}

/** Options with their defaults applied. */
export interface PromotionSettings {
  sweepIntervalMs: number;
}

/** Applies defaults to the plugin options. */
export function resolveSettings(options: PromotionPluginOptions): PromotionSettings {
  const seconds = options.sweepIntervalSeconds ?? 30;
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 86_400) {
    throw new Error(`promotion: sweepIntervalSeconds must be a number of seconds from 0 to 86400, got ${seconds}`);
  }
  return { sweepIntervalMs: Math.round(seconds * 1000) };
}

/** Settings of the promoted-item service (the `promoted-item` key of `tokobapak.config.mjs`). */
export interface PromotedItemPluginOptions {
  /** How many banners, and how many promotions, `getHomepage` shows per placement when the caller does not say; default 10. */
  homepageLimit?: number;
}

/** Options with their defaults applied. */
export interface PromotedItemSettings {
  homepageLimit: number;
}

/** Applies defaults to the plugin options. */
export function resolveSettings(options: PromotedItemPluginOptions): PromotedItemSettings {
  const limit = options.homepageLimit ?? 10;
  if (!Number.isInteger(limit) || limit < 1 || limit > 50) throw new Error(`promoted-item: homepageLimit must be an integer from 1 to 50, got ${limit}`);
  return { homepageLimit: limit };
}

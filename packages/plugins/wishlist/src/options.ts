/** Settings of the wishlist service (the `wishlist` key of `tokobapak.config.mjs`). */
export interface WishlistPluginOptions {
  /** Most items one customer's list holds; default 500. */
  maxItems?: number;
  /** How often wished products edited in inventory are compared with the prices customers saw; default 10 s. */
  priceCheckIntervalMs?: number;
}

/** Options with their defaults applied. */
export interface WishlistSettings {
  maxItems: number;
  priceCheckIntervalMs: number;
}

/** Applies defaults to the plugin options, refusing values that make no sense. */
export function resolveSettings(options: WishlistPluginOptions): WishlistSettings {
  const maxItems = options.maxItems ?? 500;
  if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 10_000)
    throw new Error(`wishlist: maxItems must be an integer from 1 to 10000, got ${maxItems}`);
  const priceCheckIntervalMs = options.priceCheckIntervalMs ?? 10_000;
  if (!Number.isInteger(priceCheckIntervalMs) || priceCheckIntervalMs < 50) {
    throw new Error(`wishlist: priceCheckIntervalMs must be an integer of at least 50, got ${priceCheckIntervalMs}`);
  }
  return { maxItems, priceCheckIntervalMs };
}

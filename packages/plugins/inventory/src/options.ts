/** Settings of the inventory service (the `inventory` key of `tokobapak.config.mjs`). */
export interface InventoryPluginOptions {
  /**
   * How often expired reservations are swept (their stock returned) and expired staged imports
   * dropped, in seconds; default 30. Each sweep runs once per interval across every server sharing
   * the database.
   */
  sweepIntervalSeconds?: number;
}

/** Options with their defaults applied. */
export interface InventorySettings {
  sweepIntervalMs: number;
}

/** Applies defaults to the plugin options. */
export function resolveSettings(options: InventoryPluginOptions): InventorySettings {
  const seconds = options.sweepIntervalSeconds ?? 30;
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`inventory: sweepIntervalSeconds must be a positive number, got ${seconds}`);
  return { sweepIntervalMs: seconds * 1000 };
}

/** Settings of the order service (the `order` key of `tokobapak.config.mjs`). */
export interface OrderPluginOptions {
  /**
   * The platform's fee in basis points of an order's total (100 = 1%), recorded on each order when
   * it is placed and charged when it completes; default 0.
   */
  platformFeeBasisPoints?: number;
}

/** Options with their defaults applied. */
export interface OrderSettings {
  platformFeeBasisPoints: number;
}

/** Applies defaults to the plugin options, refusing values that cannot be right. */
export function resolveSettings(options: OrderPluginOptions): OrderSettings {
  const fee = options.platformFeeBasisPoints ?? 0;
  if (!Number.isInteger(fee) || fee < 0 || fee > 10_000) throw new Error(`order: platformFeeBasisPoints must be an integer from 0 to 10000, got ${fee}`);
  return { platformFeeBasisPoints: fee };
}

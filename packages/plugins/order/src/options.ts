/** Settings of the order service (the `order` key of `tokobapak.config.mjs`). */
export interface OrderPluginOptions {
  /**
   * The platform's fee in basis points of an order's total (100 = 1%), recorded on each order when
   * it is placed and charged when it completes; default 0.
   */
  platformFeeBasisPoints?: number;
  /** How long a customer has to pay a checkout before its stock and promotion uses are given back; default 1800 (at least 60). */
  checkoutTtlSeconds?: number;
  /** How often the settling job looks for paid, failed and expired checkouts to finish; default 1000 ms. */
  settleIntervalMs?: number;
  /**
   * Hours a store has to accept a paid order; past them the platform cancels it and refunds the
   * customer in full (`by: system`), so a store that never answers does not hold the money. Default
   * 48; 0 never cancels.
   */
  acceptWithinHours?: number;
  /**
   * Days after it shipped that an order nobody completed (the carrier reported no delivery, the store
   * did not complete it) is completed by the platform (`by: system`), so the store is paid. Default
   * 14; 0 never completes.
   */
  completeShippedAfterDays?: number;
}

/** Options with their defaults applied. */
export interface OrderSettings {
  platformFeeBasisPoints: number;
  checkoutTtlSeconds: number;
  settleIntervalMs: number;
  acceptWithinHours: number;
  completeShippedAfterDays: number;
}

/** Applies defaults to the plugin options, refusing values that cannot be right. */
export function resolveSettings(options: OrderPluginOptions): OrderSettings {
  const fee = options.platformFeeBasisPoints ?? 0;
  if (!Number.isInteger(fee) || fee < 0 || fee > 10_000) throw new Error(`order: platformFeeBasisPoints must be an integer from 0 to 10000, got ${fee}`);
  const ttl = options.checkoutTtlSeconds ?? 1800;
  // The payment service takes at least a minute and at most a week.
  if (!Number.isInteger(ttl) || ttl < 60 || ttl > 604_800) throw new Error(`order: checkoutTtlSeconds must be an integer from 60 to 604800, got ${ttl}`);
  const interval = options.settleIntervalMs ?? 1000;
  if (!Number.isInteger(interval) || interval < 50) throw new Error(`order: settleIntervalMs must be an integer of at least 50, got ${interval}`);
  const acceptWithinHours = options.acceptWithinHours ?? 48;
  if (!Number.isInteger(acceptWithinHours) || acceptWithinHours < 0 || acceptWithinHours > 8760)
    throw new Error(`order: acceptWithinHours must be an integer from 0 (never) to 8760, got ${acceptWithinHours}`);
  const completeShippedAfterDays = options.completeShippedAfterDays ?? 14;
  if (!Number.isInteger(completeShippedAfterDays) || completeShippedAfterDays < 0 || completeShippedAfterDays > 365)
    throw new Error(`order: completeShippedAfterDays must be an integer from 0 (never) to 365, got ${completeShippedAfterDays}`);
  return { platformFeeBasisPoints: fee, checkoutTtlSeconds: ttl, settleIntervalMs: interval, acceptWithinHours, completeShippedAfterDays };
}

// The stock and the promotion uses outlive the payment, so a payment that arrives just before it
// expires still finds them held; the expiry job gives them back early when the checkout expires.
const HOLD_MARGIN_SECONDS = 15 * 60;

/** How long a checkout holds its stock and promotion uses: its time to pay plus a margin. */
export function holdSeconds(settings: OrderSettings): number {
  return settings.checkoutTtlSeconds + HOLD_MARGIN_SECONDS;
}

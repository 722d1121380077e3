/** Settings of the cart service (the `cart` key of `tokobapak.config.mjs`). */
export interface CartPluginOptions {
  /**
   * The tax every cart applies until an admin sets one with `setPlatformTax`. Default: Indonesian
   * PPN as it stands since 1 January 2025 — a 12% rate on a tax base of 11/12 of the price
   * (effectively 11%) for goods that are not luxury goods.
   */
  tax?: { name: string; rateBasisPoints: number; baseNumerator: number; baseDenominator: number };
  /** Currency of a cart created without one; default `IDR`. */
  defaultCurrency?: string;
  /** Days an untouched guest cart stays open; default 30. */
  guestCartTtlDays?: number;
  /** Days an untouched customer cart stays open; default 90. */
  customerCartTtlDays?: number;
  /** How often the expiry job runs, in seconds; default 3600. It runs once per interval across every server. */
  expirySweepIntervalSeconds?: number;
  /** Most lines a cart may hold; default 100 (inventory's `getVariants` reads 100 ids at a time). */
  maxLines?: number;
}

/** The tax the totals are computed with. */
export interface TaxRule {
  name: string;
  rateBasisPoints: number;
  baseNumerator: number;
  baseDenominator: number;
}

/** Options with their defaults applied. */
export interface CartSettings {
  tax: TaxRule;
  defaultCurrency: string;
  guestCartTtlMs: number;
  customerCartTtlMs: number;
  expirySweepIntervalMs: number;
  maxLines: number;
}

/** PPN since 2025 (PMK 131/2024): 12% on a base of 11/12 of the price, an effective 11%. */
export const INDONESIAN_PPN: TaxRule = { name: 'PPN', rateBasisPoints: 1200, baseNumerator: 11, baseDenominator: 12 };

const DAY_MS = 24 * 60 * 60 * 1000;

/** Applies defaults to the plugin options, refusing values that make no sense. */
export function resolveSettings(options: CartPluginOptions): CartSettings {
  const tax = options.tax ?? INDONESIAN_PPN;
  const integer = (name: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`cart: ${name} must be an integer from ${min} to ${max}, got ${value}`);
    return value;
  };
  integer('tax.rateBasisPoints', tax.rateBasisPoints, 0, 10000);
  integer('tax.baseNumerator', tax.baseNumerator, 1, 1000);
  integer('tax.baseDenominator', tax.baseDenominator, 1, 1000);
  if (tax.baseNumerator > tax.baseDenominator) throw new Error('cart: tax base fraction must not be above 1');
  const currency = options.defaultCurrency ?? 'IDR';
  if (!/^[A-Z]{3}$/.test(currency)) throw new Error(`cart: defaultCurrency must be an ISO 4217 code, got ${currency}`);
  return {
    tax,
    defaultCurrency: currency,
    guestCartTtlMs: integer('guestCartTtlDays', options.guestCartTtlDays ?? 30, 1, 3650) * DAY_MS,
    customerCartTtlMs: integer('customerCartTtlDays', options.customerCartTtlDays ?? 90, 1, 3650) * DAY_MS,
    expirySweepIntervalMs: integer('expirySweepIntervalSeconds', options.expirySweepIntervalSeconds ?? 3600, 1, 86400) * 1000,
    maxLines: integer('maxLines', options.maxLines ?? 100, 1, 100),
  };
}

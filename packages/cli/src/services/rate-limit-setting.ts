import type { AnonymousRateLimit, RequestBudget } from '@tokobapak/server';
import { CliError } from './errors.js';

/** The variable that sets (or turns off) the per-IP limit on anonymous API calls. */
export const RATE_LIMIT_VARIABLE = 'TOKOBAPAK_RATE_LIMIT';

/** The budget a guest address gets when the variable is unset: ten requests a second, on average, over a minute. */
export const DEFAULT_RATE_LIMIT: RequestBudget = { max: 600, windowSeconds: 60 };

/**
 * Operations with a budget of their own, counted apart from the rest. Each shipping quote writes a
 * row per option (a cart's quote, one per option of every store of the cart): a shopper needs a few
 * per checkout, a scraper hundreds.
 */
export const OPERATION_RATE_LIMITS: Record<string, RequestBudget> = {
  quoteShippingRates: { max: 120, windowSeconds: 60 },
  quoteCartShipping: { max: 120, windowSeconds: 60 },
};

/** Reads `off`, or `<max>/<seconds>` such as `600/60`. */
export function parseRateLimit(raw: string, where: string): RequestBudget | false {
  const value = raw.trim().toLowerCase();
  if (['off', 'false', 'no', '0'].includes(value)) return false;
  const match = /^([1-9][0-9]{0,8})\/([1-9][0-9]{0,5})$/.exec(value);
  if (!match) throw new CliError('CLI_INVALID_VALUE', `${where} must be "off" or <max requests>/<window seconds> such as 600/60, got "${raw}"`);
  return { max: Number(match[1]), windowSeconds: Number(match[2]) };
}

/** The server's limit for a budget read from the environment (undefined: the default). */
export function anonymousRateLimit(budget: RequestBudget | false | undefined): AnonymousRateLimit | false {
  if (budget === false) return false;
  return { ...(budget ?? DEFAULT_RATE_LIMIT), operations: OPERATION_RATE_LIMITS };
}

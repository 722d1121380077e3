import type { TaxRule } from './options.js';

/** `n / d` rounded half up, for n ≥ 0 and d > 0, exactly (BigInt: no float error at any amount). */
function divideHalfUp(n: bigint, d: bigint): bigint {
  return (2n * n + d) / (2n * d);
}

/**
 * The tax in an amount of one line (minor units, after its discount), rounded half up to the
 * minor unit. With k = rateBasisPoints × baseNumerator and D = 10000 × baseDenominator (the
 * effective rate is k / D: PPN's 1200 × 11 / (10000 × 12) = 11%):
 *
 * - tax-exclusive prices: tax = amount × k / D, and the line's total is amount + tax;
 * - tax-inclusive prices: tax = amount × k / (D + k), the part of the amount that is tax, and the
 *   line's total is the amount itself.
 *
 * A store's tax is the sum of its lines' taxes and the cart's the sum of its stores', so every
 * figure shown adds up exactly.
 */
export function lineTax(amount: number, rule: TaxRule, pricesIncludeTax: boolean): number {
  if (amount <= 0 || rule.rateBasisPoints === 0) return 0;
  const k = BigInt(rule.rateBasisPoints) * BigInt(rule.baseNumerator);
  const d = 10000n * BigInt(rule.baseDenominator);
  const value = BigInt(amount);
  return Number(pricesIncludeTax ? divideHalfUp(value * k, d + k) : divideHalfUp(value * k, d));
}

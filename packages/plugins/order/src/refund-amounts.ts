/**
 * How much a cancellation gives back, from what the order recorded at checkout, in integer minor
 * units. The rules (also in docs/services/order.md):
 *
 * - A line gives back its share of what the customer paid for it (`total`: its subtotal, less its
 *   discount, with its tax). The first `m` cancelled units of a line of `n` are worth
 *   `floor(total × m / n)`, and all `n` exactly `total`; cancelling `k` more units after `c` gives
 *   back `share(c + k) − share(c)`. However a line is cancelled (one unit at a time or all at
 *   once), the refunds add up to the line's total, never more, and the rounding remainder goes
 *   with the last unit.
 * - What the order charged beyond its lines (shipping less its discount, and any tax on it) is
 *   given back with the last unit of the order, when the order has not shipped; once it left, the
 *   shipping was spent and stays paid.
 */

/** The part of `total` that the first `units` of `quantity` units are worth. */
export function shareOf(total: number, units: number, quantity: number): number {
  if (units >= quantity) return total;
  // BigInt: total × units can pass 2^53 for large amounts.
  return Number((BigInt(total) * BigInt(units)) / BigInt(quantity));
}

/**
 * What cancelling `units` more of a line gives back, after `cancelled` units worth `refunded` were.
 * Measured against what was refunded rather than recomputed, so that a refund undone in between
 * (the payment service refused it) can never make the line give back more than its total.
 */
export function lineRefund(line: { total: number; quantity: number }, refunded: number, cancelled: number, units: number): number {
  const total = Number(line.total);
  const left = total - refunded;
  if (cancelled + units >= line.quantity) return left;
  return Math.min(left, Math.max(0, shareOf(total, cancelled + units, line.quantity) - refunded));
}

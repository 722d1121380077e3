import type { PromotionComponents } from '@tokobapak/sdk';
import { allocate } from './allocation.js';
import type { ConditionLists, PromotionType } from './database.js';
import { promotionErrors } from './errors.js';
import { Stacking } from './stacking.js';

type Schemas = PromotionComponents['schemas'];
type Reason = Schemas['Evaluation']['rejectedCodes'][number]['reason'];

/** A promotion as evaluation sees it, with what the database knows about its use. */
export interface Candidate {
  id: string;
  scope: 'platform' | 'store';
  storeId: string | null;
  name: string;
  code: string | null;
  type: PromotionType;
  percentage: number | null;
  amount: number | null;
  buyQuantity: number | null;
  getQuantity: number | null;
  minSubtotal: number | null;
  lists: ConditionLists;
  firstOrderOnly: boolean;
  stacking: 'exclusive' | 'combinable';
  priority: number;
  /** Why it cannot be used now (window, status, limits), or null. */
  unavailable: Reason | null;
}

/** What evaluation needs besides the request: the candidates and whether the customer has ordered before. */
export interface EvaluationFacts {
  /** Automatic promotions that may apply, and every promotion whose code the request names. */
  candidates: Candidate[];
  hasOrdered: boolean;
  /** Codes the request names that only stores outside the cart hold. */
  elsewhereCodes: string[];
}

interface Line {
  input: Schemas['EvaluationLineInput'];
  total: number;
  left: number;
  allocations: Array<{ promotionId: string; amount: number }>;
}

/**
 * The discounts of a cart: candidates taken by priority (highest first), then id (oldest first);
 * each computed on what the earlier ones left of each line. Exclusivity follows `Stacking`: a
 * platform's exclusive promotion is alone in the cart, a store's alone on that store's lines.
 * Pure: the same input and facts always give the same answer.
 */
export function evaluate(input: Schemas['EvaluationInput'], facts: EvaluationFacts): Schemas['Evaluation'] {
  const lines: Line[] = input.lines.map((line) => {
    const total = BigInt(line.quantity) * BigInt(line.unitPrice);
    return { input: line, total: Number(total), left: Number(total), allocations: [] };
  });
  const cartTotal = lines.reduce((acc, line) => acc + BigInt(line.input.quantity) * BigInt(line.input.unitPrice), 0n);
  const shippingTotal = (input.shipping ?? []).reduce((acc, entry) => acc + BigInt(entry.amount), 0n);
  if (cartTotal + shippingTotal > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw promotionErrors.PROMOTION_AMOUNT_TOO_LARGE('The lines and shipping add up to more than 2^53 - 1 minor units');
  }
  const shippingLeft = new Map<string, number>();
  for (const entry of input.shipping ?? []) shippingLeft.set(entry.storeId, (shippingLeft.get(entry.storeId) ?? 0) + entry.amount);
  const shippingDiscount = new Map<string, number>();

  const requested = [...new Set((input.couponCodes ?? []).map((code) => code.toUpperCase()))];
  const rejected = new Map<string, Reason>();
  for (const code of requested) {
    // A code may name several promotions (one per store, one of the platform's): the code is
    // refused only when none of them applies, with the reason of the last one that did not.
    const named = facts.candidates.filter((c) => c.code === code);
    if (named.length === 0) rejected.set(code, facts.elsewhereCodes.includes(code) ? 'PROMOTION_CONDITIONS_NOT_MET' : 'PROMOTION_CODE_NOT_FOUND');
    const unavailable = named.find((c) => c.unavailable !== null)?.unavailable;
    if (unavailable && named.every((c) => c.unavailable !== null)) rejected.set(code, unavailable);
  }
  const pool = facts.candidates
    .filter((c) => c.unavailable === null && (c.code === null || requested.includes(c.code)))
    .sort((a, b) => b.priority - a.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const applied: Schemas['Evaluation']['applied'] = [];
  const acceptedCodes = new Set<string>();
  const stacking = new Stacking();
  for (const promotion of pool) {
    const covered = lines.filter((line) => covers(promotion, line.input));
    const met = covered.length > 0 && reachesMinimum(promotion, covered) && (!promotion.firstOrderOnly || (input.customerId != null && !facts.hasOrdered));
    if (!met) {
      if (promotion.code) rejected.set(promotion.code, 'PROMOTION_CONDITIONS_NOT_MET');
      continue;
    }
    // The minimum counts only the lines the promotion may discount: lines a store's exclusive
    // promotion has taken do not help a platform promotion reach it. Were it not for that
    // promotion the minimum would be met, so the reason is stacking, not the conditions.
    const eligible = stacking.admit(promotion, covered);
    if (!eligible || !reachesMinimum(promotion, eligible)) {
      if (promotion.code) rejected.set(promotion.code, 'PROMOTION_NOT_COMBINABLE');
      continue;
    }
    const shares = lineShares(promotion, eligible);
    let lineAmount = 0;
    eligible.forEach((line, index) => {
      const amount = shares[index] ?? 0;
      if (amount === 0) return;
      line.left -= amount;
      line.allocations.push({ promotionId: promotion.id, amount });
      lineAmount += amount;
    });
    let shippingAmount = 0;
    if (promotion.type === 'free_shipping') {
      for (const storeId of new Set(eligible.map((line) => line.input.storeId))) {
        const left = shippingLeft.get(storeId) ?? 0;
        if (left === 0) continue;
        shippingLeft.set(storeId, 0);
        shippingDiscount.set(storeId, (shippingDiscount.get(storeId) ?? 0) + left);
        shippingAmount += left;
      }
    }
    applied.push({
      promotionId: promotion.id,
      code: promotion.code,
      name: promotion.name,
      type: promotion.type,
      amount: lineAmount + shippingAmount,
      lineAmount,
      shippingAmount,
      fundedBy: promotion.scope,
      storeId: promotion.storeId,
    });
    stacking.record(promotion, eligible);
    if (promotion.code) acceptedCodes.add(promotion.code);
  }
  for (const code of acceptedCodes) rejected.delete(code);

  const storeIds = [...new Set([...lines.map((line) => line.input.storeId), ...(input.shipping ?? []).map((entry) => entry.storeId)])];
  const lineDiscount = (line: Line) => line.total - line.left;
  return {
    currency: input.currency,
    discount: lines.reduce((acc, line) => acc + lineDiscount(line), 0),
    shippingDiscount: [...shippingDiscount.values()].reduce((acc, amount) => acc + amount, 0),
    lines: lines.map((line) => ({ lineId: line.input.lineId, discount: lineDiscount(line), allocations: line.allocations })),
    stores: storeIds.map((storeId) => ({
      storeId,
      discount: lines.filter((line) => line.input.storeId === storeId).reduce((acc, line) => acc + lineDiscount(line), 0),
      shippingDiscount: shippingDiscount.get(storeId) ?? 0,
    })),
    applied,
    rejectedCodes: requested.filter((code) => rejected.has(code)).map((code) => ({ code, reason: rejected.get(code) as Reason })),
  };
}

/** Whether these lines add up, before any discount, to the promotion's minimum subtotal (if it has one). */
function reachesMinimum(promotion: Candidate, lines: Line[]): boolean {
  return promotion.minSubtotal === null || lines.reduce((acc, line) => acc + line.total, 0) >= promotion.minSubtotal;
}

/** Whether a line is one the promotion covers: its store's (for a store promotion) and every non-empty list matching. */
function covers(promotion: Candidate, line: Schemas['EvaluationLineInput']): boolean {
  if (promotion.scope === 'store' && line.storeId !== promotion.storeId) return false;
  const { storeIds, productIds, categories } = promotion.lists;
  if (storeIds.length > 0 && !storeIds.includes(line.storeId)) return false;
  if (productIds.length > 0 && !productIds.includes(line.productId)) return false;
  if (categories.length > 0 && !(line.categories ?? []).some((category) => categories.includes(category))) return false;
  return true;
}

/** Each eligible line's share of the promotion, never more than what is left of the line. */
function lineShares(promotion: Candidate, eligible: Line[]): number[] {
  const bases = eligible.map((line) => line.left);
  const base = bases.reduce((acc, left) => acc + left, 0);
  switch (promotion.type) {
    case 'percentage': {
      // Rounded down: never more than the stated percentage.
      const total = Number((BigInt(base) * BigInt(promotion.percentage ?? 0)) / 100n);
      return allocate(total, bases);
    }
    case 'fixed_amount':
      return allocate(Math.min(promotion.amount ?? 0, base), bases);
    case 'buy_x_get_y':
      return freeUnits(promotion, eligible);
    case 'free_shipping':
      return eligible.map(() => 0);
  }
}

/**
 * Buy X get Y: of all eligible units, floor(units / (X + Y)) × Y are free, and they are the
 * cheapest (ties: the earlier line). Each line is discounted by its own free units' price, capped
 * at what is left of it.
 */
function freeUnits(promotion: Candidate, eligible: Line[]): number[] {
  const group = (promotion.buyQuantity ?? 1) + (promotion.getQuantity ?? 1);
  const units = eligible.reduce((acc, line) => acc + line.input.quantity, 0);
  let free = Math.floor(units / group) * (promotion.getQuantity ?? 1);
  const shares = eligible.map(() => 0);
  const cheapestFirst = eligible.map((line, index) => ({ line, index })).sort((a, b) => a.line.input.unitPrice - b.line.input.unitPrice || a.index - b.index);
  for (const { line, index } of cheapestFirst) {
    if (free === 0) break;
    const taken = Math.min(free, line.input.quantity);
    free -= taken;
    shares[index] = Math.min(Number(BigInt(taken) * BigInt(line.input.unitPrice)), line.left);
  }
  return shares;
}

import type { PromotionComponents } from '@tokobapak/sdk';
import type { PromotionType } from './database.js';
import { promotionErrors } from './errors.js';
import type { Owner } from './owners.js';

type Schemas = PromotionComponents['schemas'];

/** The fields that say how much a promotion of each type gives; each type takes exactly its own. */
const VALUE_FIELDS: Record<PromotionType, ReadonlyArray<'percentage' | 'amount' | 'buyQuantity' | 'getQuantity'>> = {
  percentage: ['percentage'],
  fixed_amount: ['amount'],
  free_shipping: [],
  buy_x_get_y: ['buyQuantity', 'getQuantity'],
};

/**
 * Refuses a promotion whose value fields do not fit its type (missing, or another type's), and
 * store conditions naming stores: a store promotion covers its own store's lines only.
 */
export function checkRule(input: Schemas['PromotionInput'], owner: Owner): void {
  const wanted = VALUE_FIELDS[input.type];
  const missing = wanted.filter((field) => input[field] === undefined);
  const foreign = (['percentage', 'amount', 'buyQuantity', 'getQuantity'] as const).filter((field) => input[field] !== undefined && !wanted.includes(field));
  const problems = [
    ...missing.map((field) => ({ pointer: `#/${field}`, message: `a ${input.type} promotion needs ${field}` })),
    ...foreign.map((field) => ({ pointer: `#/${field}`, message: `a ${input.type} promotion does not take ${field}` })),
  ];
  if (owner.scope === 'store' && (input.conditions?.storeIds?.length ?? 0) > 0) {
    problems.push({ pointer: '#/conditions/storeIds', message: "a store promotion covers only the store's own lines; leave storeIds out" });
  }
  if (problems.length > 0) {
    throw promotionErrors.PROMOTION_INVALID_RULE({ detail: problems.map((problem) => problem.message).join('; '), errors: problems });
  }
}

/** When a promotion applies: from `startsAt` (inclusive) until `endsAt` (exclusive), or for good when `endsAt` is null. */
export interface Window {
  startsAt: Date;
  endsAt: Date | null;
}

/** Refuses a window that ends at or before its start. */
export function checkWindow(window: Window): Window {
  if (window.endsAt !== null && window.endsAt.getTime() <= window.startsAt.getTime()) {
    throw promotionErrors.PROMOTION_INVALID_SCHEDULE(`endsAt (${window.endsAt.toISOString()}) must be after startsAt (${window.startsAt.toISOString()})`);
  }
  return window;
}

/** The window of a new promotion: `startsAt` defaults to now, `endsAt` to none. */
export function newWindow(input: { startsAt?: string | undefined; endsAt?: string | null | undefined }, now: Date): Window {
  return checkWindow({ startsAt: input.startsAt ? new Date(input.startsAt) : now, endsAt: input.endsAt ? new Date(input.endsAt) : null });
}

/** The window a promotion will have after a patch, checked as a whole. */
export function patchedWindow(
  current: { starts_at: Date | string; ends_at: Date | string | null },
  patch: { startsAt?: string; endsAt?: string | null },
): Window {
  const startsAt = patch.startsAt !== undefined ? new Date(patch.startsAt) : new Date(current.starts_at);
  const endsAt =
    patch.endsAt !== undefined ? (patch.endsAt === null ? null : new Date(patch.endsAt)) : current.ends_at === null ? null : new Date(current.ends_at);
  return checkWindow({ startsAt, endsAt });
}

/** Why a promotion cannot be used at `now`, as the code the API answers with; `null` when it can. */
export function unavailability(
  promotion: { status: 'active' | 'paused'; starts_at: Date | string; ends_at: Date | string | null },
  now: Date,
): 'PROMOTION_PAUSED' | 'PROMOTION_NOT_STARTED' | 'PROMOTION_EXPIRED' | null {
  if (promotion.ends_at !== null && new Date(promotion.ends_at).getTime() <= now.getTime()) return 'PROMOTION_EXPIRED';
  if (new Date(promotion.starts_at).getTime() > now.getTime()) return 'PROMOTION_NOT_STARTED';
  if (promotion.status !== 'active') return 'PROMOTION_PAUSED';
  return null;
}

/** A coupon code as stored and compared: upper case. */
export function normalCode(code: string): string {
  return code.toUpperCase();
}

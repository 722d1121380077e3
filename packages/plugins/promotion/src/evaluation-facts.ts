import type { PromotionComponents } from '@tokobapak/sdk';
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { PromotionDatabase } from './database.js';
import type { Candidate, EvaluationFacts } from './evaluation.js';
import { money, type PromotionRow } from './mappers.js';
import { normalCode, unavailability } from './rules.js';

type Schemas = PromotionComponents['schemas'];
type Db = Kysely<PromotionDatabase>;

/**
 * Reads what evaluation needs, outside any transaction: the live automatic promotions of the
 * currency (platform ones, and those of the stores in the cart), every promotion of the platform
 * or of a store in the cart whose code the cart names (whatever its state, so the refusal can say
 * why), the codes only stores outside the cart hold, the customer's own uses, and whether the
 * customer has ordered before.
 */
export async function loadFacts(db: Db, input: Schemas['EvaluationInput'], now: Date): Promise<EvaluationFacts> {
  const storeIds = [...new Set(input.lines.map((line) => line.storeId))];
  const codes = [...new Set((input.couponCodes ?? []).map(normalCode))];
  if (storeIds.length === 0) return { candidates: [], hasOrdered: false, elsewhereCodes: [] };
  const ownersInCart = (eb: ExpressionBuilder<PromotionDatabase, 'promotions'>) => eb.or([eb('scope', '=', 'platform'), eb('store_id', 'in', storeIds)]);
  const rows = await db
    .selectFrom('promotions')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([
          eb('code', 'is', null),
          eb('currency', '=', input.currency),
          eb('status', '=', 'active'),
          eb('starts_at', '<=', now),
          eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', now)]),
          ownersInCart(eb),
        ]),
        ...(codes.length > 0 ? [eb.and([eb('code', 'in', codes), ownersInCart(eb)])] : []),
      ]),
    )
    .execute();
  const customerId = input.customerId ?? null;
  const limited = rows.filter((row) => row.per_customer_limit !== null).map((row) => row.id);
  const usage =
    customerId !== null && limited.length > 0
      ? await db
          .selectFrom('customer_usage')
          .select(['promotion_id', 'used'])
          .where('customer_id', '=', customerId)
          .where('promotion_id', 'in', limited)
          .execute()
      : [];
  const hasOrdered =
    customerId !== null && rows.some((row) => row.first_order_only)
      ? (await db.selectFrom('ordering_customers').select('customer_id').where('customer_id', '=', customerId).executeTakeFirst()) !== undefined
      : false;
  // Codes held only by stores outside the cart: the code exists, it just does not fit this cart.
  const unmatched = codes.filter((code) => !rows.some((row) => row.code === code));
  const elsewhere = unmatched.length > 0 ? await db.selectFrom('promotions').select('code').distinct().where('code', 'in', unmatched).execute() : [];
  const usedBy = new Map(usage.map((row) => [row.promotion_id, row.used]));
  return {
    candidates: rows.map((row) => toCandidate(row, input.currency, usedBy.get(row.id) ?? 0, now)),
    hasOrdered,
    elsewhereCodes: elsewhere.map((row) => row.code as string),
  };
}

function toCandidate(row: PromotionRow, currency: string, customerUsed: number, now: Date): Candidate {
  const limitReached =
    (row.usage_limit !== null && row.used_count >= row.usage_limit) || (row.per_customer_limit !== null && customerUsed >= row.per_customer_limit);
  const unavailable =
    unavailability(row, now) ?? (row.currency !== currency ? 'PROMOTION_CONDITIONS_NOT_MET' : limitReached ? 'PROMOTION_LIMIT_REACHED' : null);
  return {
    id: row.id,
    scope: row.scope,
    storeId: row.store_id,
    name: row.name,
    code: row.code,
    type: row.type,
    percentage: row.percentage,
    amount: row.amount === null ? null : money(row.amount),
    buyQuantity: row.buy_quantity,
    getQuantity: row.get_quantity,
    minSubtotal: row.min_subtotal === null ? null : money(row.min_subtotal),
    lists: row.conditions,
    firstOrderOnly: row.first_order_only,
    stacking: row.stacking,
    priority: row.priority,
    unavailable,
  };
}

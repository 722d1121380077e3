import type { PromotionComponents } from '@tokobapak/sdk';
import { coalescedReader, queryTemplate } from '@tokobapak/server';
import { type Kysely, sql } from 'kysely';
import type { PromotionDatabase } from './database.js';
import type { Candidate, EvaluationFacts } from './evaluation.js';
import { money, type PromotionRow } from './mappers.js';
import { normalCode, unavailability } from './rules.js';

type Schemas = PromotionComponents['schemas'];
type Db = Kysely<PromotionDatabase>;

interface CandidateRow extends PromotionRow {
  /** The customer's own uses of a promotion with a per-customer limit; null without a customer or a limit. */
  customer_used: number | null;
  /** Whether the customer has ordered before, asked only when a first-order promotion is among the rows. */
  has_ordered: boolean | null;
}

/**
 * The promotions that may apply to a cart, with the customer's uses and first-order standing, in
 * one statement compiled once (the cart's every read and change asks for them): the live automatic
 * promotions of the currency (platform ones, and those of the stores in the cart) and every
 * promotion of the platform or of a store in the cart whose code the cart names, whatever its
 * state, so the refusal can say why.
 */
const candidatesQuery = queryTemplate<
  PromotionDatabase,
  { currency: string; storeIds: string[]; codes: string[]; now: Date; customerId: string | null },
  CandidateRow
>({
  name: 'promotion_candidates',
  // One text per length of each list, each list element its own expression: PostgreSQL plans an
  // `= any($n)` list on every run (its generic plan cannot know the length, so it looks dearer than
  // the custom one); with the length in the text the generic plan costs the same and is kept.
  shape: (values) => `${values.storeIds.length}:${values.codes.length}`,
  build: (db, p, values) =>
    db
      .selectFrom('promotions')
      .selectAll('promotions')
      .select((eb) => [
        eb
          .selectFrom('customer_usage')
          .select('customer_usage.used')
          .whereRef('customer_usage.promotion_id', '=', 'promotions.id')
          .where('customer_usage.customer_id', '=', p.customerId)
          .where('promotions.per_customer_limit', 'is not', null)
          .as('customer_used'),
        sql<boolean | null>`case when promotions.first_order_only then exists (${eb
          .selectFrom('ordering_customers')
          .select('ordering_customers.customer_id')
          .where('ordering_customers.customer_id', '=', p.customerId)}) end`.as('has_ordered'),
      ])
      .where((eb) =>
        eb.and([
          eb.or([eb('promotions.scope', '=', 'platform'), sql<boolean>`promotions.store_id in (${elementsOf(p.storeIds, values.storeIds.length)})`]),
          eb.or([
            eb.and([
              eb('promotions.code', 'is', null),
              eb('promotions.currency', '=', p.currency),
              eb('promotions.status', '=', 'active'),
              eb('promotions.starts_at', '<=', p.now),
              eb.or([eb('promotions.ends_at', 'is', null), eb('promotions.ends_at', '>', p.now)]),
            ]),
            values.codes.length === 0 ? sql<boolean>`false` : sql<boolean>`promotions.code in (${elementsOf(p.codes, values.codes.length)})`,
          ]),
        ]),
      ) as never,
});

/** `($n::text[])[1], …, ($n::text[])[length]`: the elements of a list parameter, as many as the shape says. */
function elementsOf(list: unknown, length: number) {
  return sql.join(Array.from({ length }, (_, index) => sql`(${list}::text[])[${sql.lit(index + 1)}]`));
}

/**
 * Reads what evaluation needs, outside any transaction: the candidate promotions with the
 * customer's own uses and whether the customer has ordered before (one statement, above), and,
 * only when a named code matched none of them, the codes held by stores outside the cart.
 */
export async function loadFacts(db: Db, input: Schemas['EvaluationInput'], now: Date): Promise<EvaluationFacts> {
  const storeIds = [...new Set(input.lines.map((line) => line.storeId))];
  const codes = [...new Set((input.couponCodes ?? []).map(normalCode))];
  if (storeIds.length === 0) return { candidates: [], hasOrdered: false, elsewhereCodes: [] };
  const rows = await sharedCandidates(db, { currency: input.currency, storeIds, codes, now, customerId: input.customerId ?? null });
  // Codes held only by stores outside the cart: the code exists, it just does not fit this cart.
  const unmatched = codes.filter((code) => !rows.some((row) => row.code === code));
  const elsewhere = unmatched.length > 0 ? await db.selectFrom('promotions').select('code').distinct().where('code', 'in', unmatched).execute() : [];
  return {
    candidates: rows.map((row) => toCandidate(row, input.currency, row.customer_used ?? 0, now)),
    hasOrdered: rows.some((row) => row.has_ordered === true),
    elsewhereCodes: elsewhere.map((row) => row.code as string),
  };
}

type Question = Omit<Parameters<typeof candidatesQuery.execute>[1], 'now'>;

const sharedReads = new WeakMap<Db, { read: (keys: Iterable<string>) => Promise<Map<string, CandidateRow[]>>; latest: Map<string, Date> }>();

/**
 * The candidates, read once for the evaluations that ask the same question (currency, stores,
 * codes, customer) in the same turn of the event loop (`coalescedReader`): under load the cart's
 * reads ask it many times at once. The shared read uses the latest `now` of its askers, so no
 * answer is older than its own read would have been; each asker still judges a promotion's window
 * by its own `now` (`toCandidate`).
 */
async function sharedCandidates(db: Db, values: Question & { now: Date }): Promise<CandidateRow[]> {
  let shared = sharedReads.get(db);
  if (!shared) {
    const latest = new Map<string, Date>();
    const read = coalescedReader<string, CandidateRow[]>(async (keys) => {
      const questions = keys.map((key) => {
        const now = latest.get(key) as Date;
        latest.delete(key);
        return { key, values: { ...(JSON.parse(key) as Question), now } };
      });
      return new Map(await Promise.all(questions.map(async ({ key, values }) => [key, await candidatesQuery.execute(db, values)] as const)));
    });
    shared = { read, latest };
    sharedReads.set(db, shared);
  }
  const { now, ...question } = values;
  const key = JSON.stringify({
    currency: question.currency,
    storeIds: [...question.storeIds].sort(),
    codes: [...question.codes].sort(),
    customerId: question.customerId,
  });
  const before = shared.latest.get(key);
  if (!before || before < now) shared.latest.set(key, now);
  return (await shared.read([key])).get(key) ?? [];
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

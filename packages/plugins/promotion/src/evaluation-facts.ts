import type { PromotionComponents } from '@tokobapak/sdk';
import { coalescedReader, queryTemplate } from '@tokobapak/server';
import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { CandidateCache } from './candidate-cache.js';
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

/** The customer's own uses and first-order standing: read with the candidates, or afresh for kept ones (never kept themselves). */
function customerStanding(eb: ExpressionBuilder<PromotionDatabase, 'promotions'>, customerId: string) {
  return [
    eb
      .selectFrom('customer_usage')
      .select('customer_usage.used')
      .whereRef('customer_usage.promotion_id', '=', 'promotions.id')
      .where('customer_usage.customer_id', '=', customerId)
      .where('promotions.per_customer_limit', 'is not', null)
      .as('customer_used'),
    sql<boolean | null>`case when promotions.first_order_only then exists (${eb
      .selectFrom('ordering_customers')
      .select('ordering_customers.customer_id')
      .where('ordering_customers.customer_id', '=', customerId)}) end`.as('has_ordered'),
  ] as const;
}

/**
 * The promotions that may apply to a cart, with the customer's uses and first-order standing, in
 * one statement compiled once (the cart's every read and change asks for them): the live automatic
 * promotions of the currency (platform ones, and those of the stores in the cart) and every
 * promotion of the platform or of a store in the cart whose code the cart names, whatever its
 * state, so the refusal can say why. "Live" is: active, not ended at `now`, started by `startedBy`
 * — `now` itself for one evaluation; the end of its life for a read the cache keeps, so that a
 * promotion starting meanwhile is among the kept rows (each evaluation judges the window again).
 */
const candidatesQuery = queryTemplate<
  PromotionDatabase,
  { currency: string; storeIds: string[]; codes: string[]; now: Date; startedBy: Date; customerId: string | null },
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
      .select((eb) => customerStanding(eb, p.customerId))
      .where((eb) =>
        eb.and([
          eb.or([eb('promotions.scope', '=', 'platform'), sql<boolean>`promotions.store_id in (${elementsOf(p.storeIds, values.storeIds.length)})`]),
          eb.or([
            eb.and([
              eb('promotions.code', 'is', null),
              eb('promotions.currency', '=', p.currency),
              eb('promotions.status', '=', 'active'),
              eb('promotions.starts_at', '<=', p.startedBy),
              eb.or([eb('promotions.ends_at', 'is', null), eb('promotions.ends_at', '>', p.now)]),
            ]),
            values.codes.length === 0 ? sql<boolean>`false` : sql<boolean>`promotions.code in (${elementsOf(p.codes, values.codes.length)})`,
          ]),
        ]),
      ) as never,
});

/** The uses and the customer's standing of kept candidates, by id: what {@link candidatesQuery} reads with them, read fresh. */
const standingQuery = queryTemplate<
  PromotionDatabase,
  { promotionIds: string[]; customerId: string | null },
  Pick<CandidateRow, 'id' | 'used_count' | 'customer_used' | 'has_ordered'>
>({
  name: 'promotion_candidate_standing',
  shape: (values) => String(values.promotionIds.length),
  build: (db, p, values) =>
    db
      .selectFrom('promotions')
      .select(['promotions.id', 'promotions.used_count'])
      .select((eb) => customerStanding(eb, p.customerId))
      .where(sql<boolean>`promotions.id in (${elementsOf(p.promotionIds, values.promotionIds.length)})`) as never,
});

/** `($n::text[])[1], …, ($n::text[])[length]`: the elements of a list parameter, as many as the shape says. */
function elementsOf(list: unknown, length: number) {
  return sql.join(Array.from({ length }, (_, index) => sql`(${list}::text[])[${sql.lit(index + 1)}]`));
}

/**
 * Reads what evaluation needs, outside any transaction: the candidate promotions with the
 * customer's own uses and whether the customer has ordered before (from the cache when it is on,
 * else one statement, above), and, only when a named code matched none of them, the codes held by
 * stores outside the cart.
 */
export async function loadFacts(db: Db, input: Schemas['EvaluationInput'], now: Date, cache: CandidateCache): Promise<EvaluationFacts> {
  const storeIds = [...new Set(input.lines.map((line) => line.storeId))];
  const codes = [...new Set((input.couponCodes ?? []).map(normalCode))];
  if (storeIds.length === 0) return { candidates: [], hasOrdered: false, elsewhereCodes: [] };
  const question = { currency: input.currency, storeIds, codes };
  const customerId = input.customerId ?? null;
  const rows = cache.enabled ? await keptCandidates(db, cache, question, now, customerId) : await sharedCandidates(db, { ...question, now, customerId });
  // Codes held only by stores outside the cart: the code exists, it just does not fit this cart.
  const unmatched = codes.filter((code) => !rows.some((row) => row.code === code));
  const elsewhere = unmatched.length > 0 ? await db.selectFrom('promotions').select('code').distinct().where('code', 'in', unmatched).execute() : [];
  return {
    candidates: rows.map((row) => toCandidate(row, input.currency, row.customer_used ?? 0, now)),
    hasOrdered: rows.some((row) => row.has_ordered === true),
    elsewhereCodes: elsewhere.map((row) => row.code as string),
  };
}

type Question = { currency: string; storeIds: string[]; codes: string[] };

/**
 * The candidates from the cache, with their uses and the customer's standing: as read, by the
 * evaluation that read them; read fresh by the others, and only for the candidates it can change
 * the answer of (live at `now`, with a total limit, or, for a customer, with a per-customer limit
 * or for a first order). So a cart whose stores have no promotion, read again while its rows are
 * kept, costs no statement.
 */
async function keptCandidates(db: Db, cache: CandidateCache, question: Question, now: Date, customerId: string | null): Promise<CandidateRow[]> {
  const key = JSON.stringify([question.currency, [...question.storeIds].sort(), [...question.codes].sort()]);
  let readHere = false;
  const rows = (await cache.rows(db, key, now, (usableUntil) => {
    readHere = true;
    return candidatesQuery.execute(db, { ...question, now, startedBy: usableUntil, customerId });
  })) as CandidateRow[];
  if (readHere) return rows;
  const asking = rows.filter(
    (row) =>
      unavailability(row, now) === null && (row.usage_limit !== null || (customerId !== null && (row.per_customer_limit !== null || row.first_order_only))),
  );
  const standing =
    asking.length === 0
      ? new Map()
      : new Map((await standingQuery.execute(db, { promotionIds: asking.map((row) => row.id), customerId })).map((fresh) => [fresh.id, fresh]));
  // Kept rows carry the standing of the customer whose evaluation read them: each other asker gets copies with its own.
  return rows.map((row) => ({ ...row, customer_used: null, has_ordered: null, ...standing.get(row.id) }));
}

const sharedReads = new WeakMap<Db, { read: (keys: Iterable<string>) => Promise<Map<string, CandidateRow[]>>; latest: Map<string, Date> }>();

/**
 * With the cache off: the candidates, read once for the evaluations that ask the same question
 * (currency, stores, codes, customer) in the same turn of the event loop (`coalescedReader`): under
 * load the cart's reads ask it many times at once. The shared read uses the latest `now` of its
 * askers, so no answer is older than its own read would have been; each asker still judges a
 * promotion's window by its own `now` (`toCandidate`).
 */
async function sharedCandidates(db: Db, values: Question & { now: Date; customerId: string | null }): Promise<CandidateRow[]> {
  let shared = sharedReads.get(db);
  if (!shared) {
    const latest = new Map<string, Date>();
    const read = coalescedReader<string, CandidateRow[]>(async (keys) => {
      const questions = keys.map((key) => {
        const now = latest.get(key) as Date;
        latest.delete(key);
        return { key, values: { ...(JSON.parse(key) as Question & { customerId: string | null }), now, startedBy: now } };
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

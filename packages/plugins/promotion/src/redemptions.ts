import type { PromotionComponents } from '@tokobapak/sdk';
import { newId, type TxContext } from '@tokobapak/server';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { PromotionDatabase } from './database.js';
import { promotionErrors } from './errors.js';
import type { PromotionEvents } from './generated/manifest.js';
import { iso, money } from './mappers.js';
import type { Transact } from './promotions.js';
import { normalCode, unavailability } from './rules.js';

type Schemas = PromotionComponents['schemas'];
type Db = Kysely<PromotionDatabase>;
type Tx = TxContext<PromotionDatabase, PromotionEvents>;
type RedemptionRow = Selectable<PromotionDatabase['redemptions']>;

/** What the redemption operations need from a handler's (or a scheduled job's) context. */
export interface RedemptionContext {
  db: Db;
  transaction: Transact;
}

interface Wanted {
  promotionId: string;
  code: string | null;
  amount: number;
}

/**
 * Reserves every promotion or none, in one transaction. Each use is one conditional update
 * (`used_count + 1` only where the total limit has room, the promotion is live) and one conditional
 * upsert of the customer's count (only where the per-customer limit has room), taken in promotion
 * id order: concurrent checkouts can never pass a limit and never deadlock each other. The
 * reference is unique: reserving again with it returns the redemption it made.
 */
export async function reserveRedemption(ctx: RedemptionContext, input: Schemas['RedemptionInput'], now: Date): Promise<Schemas['Redemption']> {
  const ways = [input.promotions, input.promotionIds, input.codes].filter((way) => way !== undefined).length;
  if (ways !== 1) throw promotionErrors.PROMOTION_INVALID_RULE('Give exactly one of promotions, promotionIds and codes');
  await sweepExpired(ctx, now);
  const wanted = await resolve(ctx.db, input);
  const customerId = input.customerId ?? null;
  return ctx.transaction(async (tx) => {
    const existing = await findByReference(tx.db, input.reference);
    if (existing) return samePromotionsOrRefuse(tx.db, existing, wanted);
    const redemptionId = newId('rdm', now.getTime());
    const inserted = await tx.db
      .insertInto('redemptions')
      .values({
        id: redemptionId,
        reference: input.reference,
        customer_id: customerId,
        status: 'active',
        expires_at: new Date(now.getTime() + (input.ttlSeconds ?? 900) * 1000),
        created_at: now,
        updated_at: now,
      })
      .onConflict((conflict) => conflict.column('reference').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) {
      // A concurrent call with the same reference committed first (this insert waited for it).
      const winner = await findByReference(tx.db, input.reference);
      if (!winner) throw new Error(`redemption ${input.reference} conflicted but cannot be read`);
      return samePromotionsOrRefuse(tx.db, winner, wanted);
    }
    // Throwing anywhere below rolls back the redemption row and every count taken: all or none.
    for (const item of wanted) await takeUse(tx, item.promotionId, customerId, now);
    await tx.db
      .insertInto('redemption_items')
      .values(wanted.map((item) => ({ redemption_id: redemptionId, promotion_id: item.promotionId, code: item.code, amount: item.amount })))
      .execute();
    return readRedemption(tx.db, redemptionId);
  });
}

/** Counts one use of a promotion for a customer, or throws why it cannot be counted. */
async function takeUse(tx: Tx, promotionId: string, customerId: string | null, now: Date): Promise<void> {
  const taken = await tx.db
    .updateTable('promotions')
    .set((eb) => ({ used_count: eb('used_count', '+', 1) }))
    .where('id', '=', promotionId)
    .where('status', '=', 'active')
    .where('starts_at', '<=', now)
    .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', now)]))
    .where((eb) => eb.or([eb('usage_limit', 'is', null), eb('used_count', '<', eb.ref('usage_limit'))]))
    .returning(['id', 'per_customer_limit', 'first_order_only'])
    .executeTakeFirst();
  if (!taken) {
    const row = await tx.db.selectFrom('promotions').selectAll().where('id', '=', promotionId).executeTakeFirstOrThrow();
    const reason = unavailability(row, now);
    if (reason) throw promotionErrors[reason](`Promotion ${promotionId}`);
    throw promotionErrors.PROMOTION_LIMIT_REACHED({
      detail: `Promotion ${promotionId} has been used ${row.usage_limit} times, its limit`,
      errors: [{ pointer: '#/promotions', message: `${promotionId}: total limit reached` }],
    });
  }
  if (taken.first_order_only) {
    const ordered =
      customerId === null ||
      (await tx.db.selectFrom('ordering_customers').select('customer_id').where('customer_id', '=', customerId).executeTakeFirst()) !== undefined;
    if (ordered) throw promotionErrors.PROMOTION_CONDITIONS_NOT_MET(`Promotion ${promotionId} is for a customer's first order`);
  }
  if (customerId === null) {
    if (taken.per_customer_limit !== null)
      throw promotionErrors.PROMOTION_CONDITIONS_NOT_MET(`Promotion ${promotionId} has a per-customer limit: name the customer`);
    return;
  }
  // Counted for every customer, limited or not, so that a limit set later starts from the truth. A
  // first-order promotion is once per customer: the customer's first order is only known once it is
  // paid, so two checkouts in flight must not both take it.
  const limit = taken.first_order_only ? Math.min(taken.per_customer_limit ?? 1, 1) : taken.per_customer_limit;
  const counted = await tx.db
    .insertInto('customer_usage')
    .values({ promotion_id: promotionId, customer_id: customerId, used: 1 })
    .onConflict((conflict) =>
      conflict
        .columns(['promotion_id', 'customer_id'])
        .doUpdateSet({ used: sql`customer_usage.used + 1` })
        .where(sql<boolean>`${limit}::int is null or customer_usage.used < ${limit}::int`),
    )
    .returning('used')
    .executeTakeFirst();
  if (!counted || (limit !== null && counted.used > limit)) {
    throw promotionErrors.PROMOTION_LIMIT_REACHED({
      detail: `The customer has used promotion ${promotionId} ${limit} times, its per-customer limit`,
      errors: [{ pointer: '#/promotions', message: `${promotionId}: per-customer limit reached` }],
    });
  }
}

/** Makes an active redemption final (an expired one too, counting its uses again); its uses stay counted. Committing twice changes nothing. */
export async function commitRedemption(ctx: RedemptionContext, redemptionId: string, now: Date): Promise<Schemas['Redemption']> {
  // An expired redemption must not be committed: the sweep expires it first, and the commit below then refuses it.
  await sweepExpired(ctx, now);
  return ctx.transaction(async (tx) => {
    const redemption = await lockRedemption(tx.db, redemptionId);
    if (redemption.status === 'committed') return readRedemption(tx.db, redemptionId);
    // Paid after its hold ran out (a payment that arrived late, a settling held up): the customer
    // paid the discounted price, so its uses count again, even past a limit that others reached
    // meanwhile. Only a released redemption (its checkout given up) cannot be committed.
    if (redemption.status === 'expired') await retakeUses(tx, redemption);
    else if (redemption.status !== 'active') throw promotionErrors.PROMOTION_REDEMPTION_NOT_ACTIVE(`The redemption is ${redemption.status}`);
    await tx.db.updateTable('redemptions').set({ status: 'committed', updated_at: now }).where('id', '=', redemptionId).execute();
    return readRedemption(tx.db, redemptionId);
  });
}

/** Gives an active redemption's uses back. Releasing a released or expired one changes nothing. */
export async function releaseRedemption(ctx: RedemptionContext, redemptionId: string, now: Date): Promise<Schemas['Redemption']> {
  return ctx.transaction(async (tx) => {
    const redemption = await lockRedemption(tx.db, redemptionId);
    if (redemption.status === 'released' || redemption.status === 'expired') return readRedemption(tx.db, redemptionId);
    if (redemption.status === 'committed') throw promotionErrors.PROMOTION_REDEMPTION_NOT_ACTIVE('The redemption is committed');
    await returnUses(tx, redemption, 'released', now);
    return readRedemption(tx.db, redemptionId);
  });
}

/**
 * Expires every active redemption whose time is up (`expires_at <= now`), each in its own
 * transaction, and returns how many. Runs as a scheduled job and before each reservation and commit.
 */
export async function sweepExpired(ctx: RedemptionContext, now: Date): Promise<number> {
  let expired = 0;
  for (;;) {
    const due = await ctx.db
      .selectFrom('redemptions')
      .select('id')
      .where('status', '=', 'active')
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .limit(100)
      .execute();
    for (const { id } of due) {
      const done = await ctx.transaction(async (tx) => {
        // Re-checked under the lock: a commit or release may have got there first.
        const row = await tx.db.selectFrom('redemptions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
        if (row?.status !== 'active' || new Date(row.expires_at) > now) return false;
        await returnUses(tx, row, 'expired', now);
        return true;
      });
      if (done) expired += 1;
    }
    if (due.length < 100) return expired;
  }
}

/** Counts an expired redemption's uses again (the reverse of {@link returnUses}), with no limit checked: they were paid for. */
async function retakeUses(tx: Tx, redemption: RedemptionRow): Promise<void> {
  for (const item of await itemsOf(tx.db, redemption.id)) {
    await tx.db
      .updateTable('promotions')
      .set((eb) => ({ used_count: eb('used_count', '+', 1) }))
      .where('id', '=', item.promotion_id)
      .execute();
    if (redemption.customer_id !== null) {
      await tx.db
        .insertInto('customer_usage')
        .values({ promotion_id: item.promotion_id, customer_id: redemption.customer_id, used: 1 })
        .onConflict((conflict) => conflict.columns(['promotion_id', 'customer_id']).doUpdateSet({ used: sql`customer_usage.used + 1` }))
        .execute();
    }
  }
}

async function returnUses(tx: Tx, redemption: RedemptionRow, status: 'released' | 'expired', now: Date): Promise<void> {
  const items = await itemsOf(tx.db, redemption.id);
  for (const item of items) {
    await tx.db
      .updateTable('promotions')
      .set((eb) => ({ used_count: eb('used_count', '-', 1) }))
      .where('id', '=', item.promotion_id)
      .execute();
    if (redemption.customer_id !== null) {
      await tx.db
        .updateTable('customer_usage')
        .set((eb) => ({ used: eb('used', '-', 1) }))
        .where('promotion_id', '=', item.promotion_id)
        .where('customer_id', '=', redemption.customer_id)
        .where('used', '>', 0)
        .execute();
    }
  }
  await tx.db.updateTable('redemptions').set({ status, updated_at: now }).where('id', '=', redemption.id).execute();
}

/** The promotions a request names, by id or by code, merged and in id order (the lock order). */
async function resolve(db: Db, input: Schemas['RedemptionInput']): Promise<Wanted[]> {
  const merged = new Map<string, Wanted>();
  if (input.codes !== undefined) {
    const codes = [...new Set(input.codes.map(normalCode))];
    const rows = await db.selectFrom('promotions').select(['id', 'code']).where('code', 'in', codes).execute();
    for (const code of codes) {
      const named = rows.filter((candidate) => candidate.code === code);
      const row = named[0];
      if (!row) throw promotionErrors.PROMOTION_CODE_NOT_FOUND(`No promotion has the code ${code}`);
      // Codes are unique per owner: which of several a checkout used only the evaluation knows.
      if (named.length > 1)
        throw promotionErrors.PROMOTION_CODE_AMBIGUOUS(`${named.length} promotions have the code ${code}: reserve the ones the evaluation applied by id`);
      merged.set(row.id, { promotionId: row.id, code, amount: 0 });
    }
  } else {
    // Ids alone count a discount of 0 for the stats.
    const items = input.promotions ?? (input.promotionIds ?? []).map((promotionId) => ({ promotionId, amount: 0 }));
    const ids = [...new Set(items.map((item) => item.promotionId))];
    const rows = await db.selectFrom('promotions').select(['id', 'code']).where('id', 'in', ids).execute();
    for (const item of items) {
      const row = rows.find((candidate) => candidate.id === item.promotionId);
      if (!row) throw promotionErrors.PROMOTION_NOT_FOUND(`No such promotion: ${item.promotionId}`);
      const seen = merged.get(row.id);
      merged.set(row.id, { promotionId: row.id, code: row.code, amount: (seen?.amount ?? 0) + (item.amount ?? 0) });
    }
  }
  return [...merged.values()].sort((a, b) => (a.promotionId < b.promotionId ? -1 : a.promotionId > b.promotionId ? 1 : 0));
}

async function samePromotionsOrRefuse(db: Db, existing: RedemptionRow, wanted: Wanted[]): Promise<Schemas['Redemption']> {
  const stored = await itemsOf(db, existing.id);
  const same = stored.length === wanted.length && wanted.every((item) => stored.some((row) => row.promotion_id === item.promotionId));
  if (!same) throw promotionErrors.PROMOTION_REDEMPTION_MISMATCH(`Reference ${existing.reference} already reserved other promotions`);
  return toRedemption(existing, stored);
}

async function findByReference(db: Db, reference: string): Promise<RedemptionRow | undefined> {
  return db.selectFrom('redemptions').selectAll().where('reference', '=', reference).executeTakeFirst();
}

async function lockRedemption(db: Db, redemptionId: string): Promise<RedemptionRow> {
  const row = await db.selectFrom('redemptions').selectAll().where('id', '=', redemptionId).forUpdate().executeTakeFirst();
  if (!row) throw promotionErrors.PROMOTION_REDEMPTION_NOT_FOUND();
  return row;
}

async function itemsOf(db: Db, redemptionId: string) {
  return db.selectFrom('redemption_items').selectAll().where('redemption_id', '=', redemptionId).orderBy('promotion_id').execute();
}

async function readRedemption(db: Db, redemptionId: string): Promise<Schemas['Redemption']> {
  const row = await db.selectFrom('redemptions').selectAll().where('id', '=', redemptionId).executeTakeFirstOrThrow();
  return toRedemption(row, await itemsOf(db, redemptionId));
}

function toRedemption(row: RedemptionRow, items: Array<Selectable<PromotionDatabase['redemption_items']>>): Schemas['Redemption'] {
  return {
    id: row.id,
    reference: row.reference,
    customerId: row.customer_id,
    status: row.status,
    expiresAt: iso(row.expires_at),
    promotions: items.map((item) => ({ promotionId: item.promotion_id, code: item.code, amount: money(item.amount) })),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

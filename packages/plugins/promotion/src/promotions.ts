import type { PromotionComponents } from '@tokobapak/sdk';
import { decodeCursorMatching, type HandlerContext, isUniqueViolation, newId, type Page, toPage } from '@tokobapak/server';
import { type ExpressionBuilder, type Kysely, sql, type Updateable } from 'kysely';
import type { PromotionDatabase } from './database.js';
import { promotionErrors } from './errors.js';
import type { PromotionEvents } from './generated/manifest.js';
import { money, type PromotionRow, toPromotion } from './mappers.js';
import { type Owner, ownerColumns } from './owners.js';
import { checkRule, newWindow, normalCode, patchedWindow } from './rules.js';

type Schemas = PromotionComponents['schemas'];
type Db = Kysely<PromotionDatabase>;

/** Runs a function in one transaction (`ctx.transaction`). */
export type Transact = HandlerContext<PromotionDatabase, PromotionEvents>['transaction'];

/** One page of an owner's promotions, newest first, whatever their window or status. */
export async function listPromotions(
  db: Db,
  owner: Owner,
  query: { status?: 'active' | 'paused'; cursor?: string; limit?: number },
): Promise<Page<Schemas['Promotion']>> {
  const limit = query.limit ?? 20;
  const after = decodeCursorMatching(query.cursor, /^prm_[0-9a-z]{26}$/);
  let select = db.selectFrom('promotions').selectAll().where(ownedBy(owner));
  if (query.status !== undefined) select = select.where('status', '=', query.status);
  if (after !== undefined) select = select.where('id', '<', after);
  const rows = await select
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, (row) => row.id, toPromotion);
}

/**
 * Creates a promotion for the owner, checked whole before anything is written. A code another
 * promotion holds (in any letter case) is refused: codes are looked up across every owner.
 */
export async function createPromotion(transact: Transact, owner: Owner, input: Schemas['PromotionInput'], now: Date): Promise<PromotionRow> {
  checkRule(input, owner);
  const window = newWindow(input, now);
  const conditions = input.conditions ?? {};
  try {
    return await transact(async (tx) =>
      tx.db
        .insertInto('promotions')
        .values({
          id: newId('prm', now.getTime()),
          ...ownerColumns(owner),
          name: input.name,
          code: input.code === undefined ? null : normalCode(input.code),
          type: input.type,
          currency: input.currency ?? 'IDR',
          percentage: input.percentage ?? null,
          amount: input.amount ?? null,
          buy_quantity: input.buyQuantity ?? null,
          get_quantity: input.getQuantity ?? null,
          min_subtotal: conditions.minSubtotal ?? null,
          conditions: JSON.stringify({ storeIds: conditions.storeIds ?? [], productIds: conditions.productIds ?? [], categories: conditions.categories ?? [] }),
          first_order_only: conditions.firstOrderOnly ?? false,
          stacking: input.stacking ?? 'combinable',
          priority: input.priority ?? 0,
          starts_at: window.startsAt,
          ends_at: window.endsAt,
          usage_limit: input.usageLimit ?? null,
          per_customer_limit: input.perCustomerLimit ?? null,
          status: input.status ?? 'active',
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
  } catch (error) {
    if (isUniqueViolation(error)) throw promotionErrors.PROMOTION_CODE_TAKEN(`The code ${normalCode(input.code ?? '')} is taken`);
    throw error;
  }
}

/** One of the owner's promotions; another owner's is reported exactly like a missing one. */
export async function getPromotion(db: Db, owner: Owner, promotionId: string): Promise<PromotionRow> {
  const row = await db.selectFrom('promotions').selectAll().where(ownedBy(owner)).where('id', '=', promotionId).executeTakeFirst();
  if (!row) throw promotionErrors.PROMOTION_NOT_FOUND();
  return row;
}

/** Changes the management fields given (name, window, priority, stacking, limits, status). */
export async function updatePromotion(
  transact: Transact,
  owner: Owner,
  promotionId: string,
  patch: Schemas['PromotionPatch'],
  now: Date,
): Promise<PromotionRow> {
  return transact(async (tx) => {
    const current = await tx.db.selectFrom('promotions').selectAll().where(ownedBy(owner)).where('id', '=', promotionId).forUpdate().executeTakeFirst();
    if (!current) throw promotionErrors.PROMOTION_NOT_FOUND();
    const window = patchedWindow(current, patch);
    const changes: Updateable<PromotionDatabase['promotions']> = { starts_at: window.startsAt, ends_at: window.endsAt, updated_at: now };
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.stacking !== undefined) changes.stacking = patch.stacking;
    if (patch.priority !== undefined) changes.priority = patch.priority;
    if (patch.usageLimit !== undefined) changes.usage_limit = patch.usageLimit;
    if (patch.perCustomerLimit !== undefined) changes.per_customer_limit = patch.perCustomerLimit;
    if (patch.status !== undefined) changes.status = patch.status;
    return tx.db.updateTable('promotions').set(changes).where('id', '=', promotionId).returningAll().executeTakeFirstOrThrow();
  });
}

/** Redemptions of one of the owner's promotions by status, and the discount they carry. */
export async function promotionStats(db: Db, owner: Owner, promotionId: string): Promise<Schemas['PromotionStats']> {
  const promotion = await getPromotion(db, owner, promotionId);
  const rows = await db
    .selectFrom('redemption_items')
    .innerJoin('redemptions', 'redemptions.id', 'redemption_items.redemption_id')
    .select(['redemptions.status', sql<number>`count(*)::int`.as('count'), sql<string>`coalesce(sum(redemption_items.amount), 0)::text`.as('discount')])
    .where('redemption_items.promotion_id', '=', promotionId)
    .groupBy('redemptions.status')
    .execute();
  const of = (status: string) => rows.find((row) => row.status === status);
  return {
    promotionId,
    currency: promotion.currency,
    used: promotion.used_count,
    usageLimit: promotion.usage_limit,
    active: of('active')?.count ?? 0,
    committed: of('committed')?.count ?? 0,
    released: of('released')?.count ?? 0,
    expired: of('expired')?.count ?? 0,
    discountReserved: money(of('active')?.discount ?? 0),
    discountCommitted: money(of('committed')?.discount ?? 0),
  };
}

/** The condition that keeps a query to the owner's promotions. */
function ownedBy(owner: Owner) {
  return (eb: ExpressionBuilder<PromotionDatabase, 'promotions'>) =>
    eb.and([eb('scope', '=', owner.scope), owner.storeId === null ? eb('store_id', 'is', null) : eb('store_id', '=', owner.storeId)]);
}

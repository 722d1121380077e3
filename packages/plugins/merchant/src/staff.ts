import { eventTypes, type MerchantComponents } from '@tokobapak/sdk';
import { decodeCursor, invalidCursor, type Page, type StoreRole, toPage } from '@tokobapak/server';
import { sql } from 'kysely';
import type { Db, Transact } from './context.js';
import { merchantErrors } from './errors.js';
import { type MembershipRow, toMembership } from './mappers.js';

type Schemas = MerchantComponents['schemas'];

// The list order: owner, then managers, then staff.
const RANK = sql<number>`case role when 'owner' then 0 when 'manager' then 1 else 2 end`;

/** One page of a store's members: the owner first, then managers, then staff, each by user id. */
export async function listStaff(
  db: Db,
  storeId: string,
  page: { cursor?: string | undefined; limit?: number | undefined },
): Promise<Page<Schemas['Membership']>> {
  const limit = page.limit ?? 20;
  const after = parseStaffKey(decodeCursor(page.cursor));
  let select = db.selectFrom('memberships').selectAll().select(RANK.as('rank')).where('store_id', '=', storeId);
  if (after) {
    const { rank, userId } = after;
    select = select.where((eb) => eb.or([eb(RANK, '>', rank), eb.and([eb(RANK, '=', rank), eb('user_id', '>', userId)])]));
  }
  const rows = await select
    .orderBy(RANK)
    .orderBy('user_id')
    .limit(limit + 1)
    .execute();
  return toPage(
    rows,
    limit,
    (row) => `${Number(row.rank)}:${row.user_id}`,
    ({ rank: _rank, ...row }) => toMembership(row),
  );
}

function parseStaffKey(key: string | undefined): { rank: number; userId: string } | undefined {
  if (key === undefined) return undefined;
  const match = /^([012]):(usr_[0-9a-z]{26})$/.exec(key);
  if (!match) {
    throw invalidCursor();
  }
  return { rank: Number(match[1]), userId: match[2] as string };
}

/**
 * Removes a member from a store and publishes `merchant.staff-removed`. A user of another store is
 * reported exactly like a missing one; the owner cannot be removed.
 */
export async function removeStaff(transact: Transact, storeId: string, userId: string): Promise<void> {
  await transact(async (tx) => {
    const member = await lockMember(tx.db, storeId, userId);
    if (member.role === 'owner') throw merchantErrors.MERCHANT_OWNER_IMMUTABLE('The owner cannot be removed from the store');
    await tx.db.deleteFrom('memberships').where('store_id', '=', storeId).where('user_id', '=', userId).execute();
    await tx.publish({ type: eventTypes.merchant.staffRemoved, subject: storeId, data: { storeId, userId } });
  });
}

/** Makes a member a manager or staff; the owner's role cannot change. */
export async function changeStaffRole(transact: Transact, storeId: string, userId: string, role: Exclude<StoreRole, 'owner'>): Promise<MembershipRow> {
  return transact(async (tx) => {
    const member = await lockMember(tx.db, storeId, userId);
    if (member.role === 'owner') throw merchantErrors.MERCHANT_OWNER_IMMUTABLE("The owner's role cannot be changed");
    if (member.role === role) return member;
    return tx.db
      .updateTable('memberships')
      .set({ role })
      .where('store_id', '=', storeId)
      .where('user_id', '=', userId)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

async function lockMember(db: Db, storeId: string, userId: string): Promise<MembershipRow> {
  const member = await db.selectFrom('memberships').selectAll().where('store_id', '=', storeId).where('user_id', '=', userId).forUpdate().executeTakeFirst();
  if (!member) throw merchantErrors.MERCHANT_MEMBER_NOT_FOUND();
  return member;
}

/**
 * Refuses a caller who does not own the store now. Owner-only operations run this on top of the
 * spec's `store:owner`: an access token keeps the role it was issued with until it expires, so a
 * former owner's token still says `owner` for a while after they handed the store on.
 */
export async function requireCurrentOwner(db: Db, storeId: string, userId: string): Promise<void> {
  const member = await db.selectFrom('memberships').select('role').where('store_id', '=', storeId).where('user_id', '=', userId).executeTakeFirst();
  if (member?.role !== 'owner') {
    throw merchantErrors.MERCHANT_NOT_OWNER('You no longer own this store; refresh your store session to act with your current role');
  }
}

/** Who hands a store on: its owner, or an admin for a support case (with a reason). */
export type TransferActor = { kind: 'owner'; userId: string } | { kind: 'admin'; userId: string; reason: string };

/** What a transfer did: both memberships as they are now. */
export interface OwnershipTransferResult {
  storeId: string;
  /** Now a manager; null when the store had no owner. */
  previousOwner: MembershipRow | null;
  newOwner: MembershipRow;
  transferredAt: Date;
}

/**
 * Makes `newOwnerUserId`, already a member, the store's owner; the former owner (if any) becomes a
 * manager. One transaction, under a lock on the store row, so concurrent transfers of one store run
 * one after the other: the first wins, and the next finds that its caller no longer owns the store
 * (an owner transfer) or that the owner changed (an admin's, which still applies). The partial
 * unique index `memberships_one_owner` backs the "one owner" rule; demoting before promoting keeps
 * it satisfied at every statement.
 */
export async function transferOwnership(
  transact: Transact,
  storeId: string,
  newOwnerUserId: string,
  actor: TransferActor,
  now: Date,
): Promise<OwnershipTransferResult> {
  return transact(async (tx) => {
    const store = await tx.db.selectFrom('stores').select('status').where('id', '=', storeId).forUpdate().executeTakeFirst();
    if (!store) throw merchantErrors.MERCHANT_STORE_NOT_FOUND();
    const owner = await tx.db.selectFrom('memberships').selectAll().where('store_id', '=', storeId).where('role', '=', 'owner').forUpdate().executeTakeFirst();
    if (actor.kind === 'owner') {
      if (owner?.user_id !== actor.userId) {
        throw merchantErrors.MERCHANT_NOT_OWNER('You no longer own this store; refresh your store session to act with your current role');
      }
      if (store.status !== 'active') throw merchantErrors.MERCHANT_STORE_SUSPENDED('A suspended store cannot be handed on by its owner; ask the platform');
    }
    if (owner?.user_id === newOwnerUserId) {
      throw merchantErrors.MERCHANT_ALREADY_OWNER(
        actor.kind === 'owner' ? 'You already own this store; name another member' : 'This member already owns the store',
      );
    }
    const target = await tx.db
      .selectFrom('memberships')
      .select('user_id')
      .where('store_id', '=', storeId)
      .where('user_id', '=', newOwnerUserId)
      .forUpdate()
      .executeTakeFirst();
    if (!target) throw merchantErrors.MERCHANT_NEW_OWNER_NOT_MEMBER('Invite them to the store first; only a member can become its owner');

    const previousOwner = owner
      ? await tx.db
          .updateTable('memberships')
          .set({ role: 'manager' })
          .where('store_id', '=', storeId)
          .where('user_id', '=', owner.user_id)
          .returningAll()
          .executeTakeFirstOrThrow()
      : null;
    const newOwner = await tx.db
      .updateTable('memberships')
      .set({ role: 'owner' })
      .where('store_id', '=', storeId)
      .where('user_id', '=', newOwnerUserId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await tx.publish({
      type: eventTypes.merchant.ownershipTransferred,
      subject: storeId,
      data: {
        storeId,
        previousOwnerUserId: owner?.user_id ?? null,
        newOwnerUserId,
        transferredByUserId: actor.userId,
        transferredBy: actor.kind,
        reason: actor.kind === 'admin' ? actor.reason : null,
      },
    });
    return { storeId, previousOwner, newOwner, transferredAt: now };
  });
}

/** A user's role in a store and the store's status, for the auth service. */
export async function getStoreMembership(db: Db, storeId: string, userId: string): Promise<Schemas['StoreMembership']> {
  const row = await db
    .selectFrom('memberships')
    .innerJoin('stores', 'stores.id', 'memberships.store_id')
    .select(['memberships.role', 'stores.status'])
    .where('memberships.store_id', '=', storeId)
    .where('memberships.user_id', '=', userId)
    .executeTakeFirst();
  if (!row) throw merchantErrors.MERCHANT_MEMBERSHIP_NOT_FOUND();
  return { storeId, userId, role: row.role, storeStatus: row.status };
}

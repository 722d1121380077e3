import { eventTypes, type MerchantComponents } from '@tokobapak/sdk';
import { decodeCursorMatching, isUniqueViolation, newId, type Page, toPage } from '@tokobapak/server';
import type { Updateable } from 'kysely';
import type { Db, MerchantContext } from './context.js';
import type { MerchantDatabase, StoreStatus } from './database.js';
import { merchantErrors } from './errors.js';
import { addressColumns, type StoreRow, toStore } from './mappers.js';
import { emailForRecord } from './users.js';

type Schemas = MerchantComponents['schemas'];

const HANDLE_INDEX = 'stores_handle_unique';
/** What a store list's cursor may hold: a store id. */
const STORE_ID = /^sto_[0-9a-z]{26}$/;

/**
 * Opens a store owned by `userId`: the store, the owner's membership and `merchant.store-created`
 * commit together. The unique index on the lower-cased handle decides races, so of many concurrent
 * requests for one handle exactly one succeeds. The owner's email, for the staff list, is asked of
 * the user service first (never inside the transaction).
 */
export async function createStore(
  ctx: Pick<MerchantContext, 'transaction' | 'clock' | 'clients' | 'log'>,
  userId: string,
  input: Schemas['CreateStoreInput'],
): Promise<StoreRow> {
  const email = await emailForRecord(ctx, userId);
  const now = ctx.clock.now();
  const handle = input.handle.toLowerCase();
  try {
    return await ctx.transaction(async (tx) => {
      const store = await tx.db
        .insertInto('stores')
        .values({
          id: newId('sto'),
          handle,
          name: input.name,
          description: input.description ?? null,
          logo_image_id: input.logoImageId ?? null,
          contact_email: input.contactEmail ?? null,
          phone: input.phone ?? null,
          ...addressColumns(input.address ?? null),
          status: 'active',
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await tx.db.insertInto('memberships').values({ store_id: store.id, user_id: userId, role: 'owner', email, created_at: now }).execute();
      await tx.publish({ type: eventTypes.merchant.storeCreated, subject: store.id, data: { storeId: store.id, handle, ownerUserId: userId } });
      return store;
    });
  } catch (error) {
    if (isUniqueViolation(error, HANDLE_INDEX)) throw merchantErrors.MERCHANT_HANDLE_TAKEN();
    throw error;
  }
}

/** A store by id, whatever its status. */
export async function getStore(db: Db, storeId: string): Promise<StoreRow> {
  const row = await db.selectFrom('stores').selectAll().where('id', '=', storeId).executeTakeFirst();
  if (!row) throw merchantErrors.MERCHANT_STORE_NOT_FOUND();
  return row;
}

/** An active store by handle (case-insensitively); a suspended one is reported exactly like a missing one. */
export async function getPublicStore(db: Db, handle: string): Promise<StoreRow> {
  const row = await db.selectFrom('stores').selectAll().where('handle', '=', handle.toLowerCase()).where('status', '=', 'active').executeTakeFirst();
  if (!row) throw merchantErrors.MERCHANT_STORE_NOT_FOUND();
  return row;
}

/** Changes the fields given of an active store. */
export async function updateStore(db: Db, storeId: string, patch: Schemas['StorePatch'], now: Date): Promise<StoreRow> {
  const changes: Updateable<MerchantDatabase['stores']> = { updated_at: now };
  if (patch.name !== undefined) changes.name = patch.name;
  if (patch.description !== undefined) changes.description = patch.description;
  if (patch.logoImageId !== undefined) changes.logo_image_id = patch.logoImageId;
  if (patch.contactEmail !== undefined) changes.contact_email = patch.contactEmail;
  if (patch.phone !== undefined) changes.phone = patch.phone;
  if (patch.address !== undefined) Object.assign(changes, addressColumns(patch.address));
  const row = await db.updateTable('stores').set(changes).where('id', '=', storeId).where('status', '=', 'active').returningAll().executeTakeFirst();
  if (row) return row;
  await getStore(db, storeId);
  throw merchantErrors.MERCHANT_STORE_SUSPENDED();
}

/** One page of the stores a user belongs to, with their role, oldest store first. */
export async function listMyStores(
  db: Db,
  userId: string,
  page: { cursor?: string | undefined; limit?: number | undefined },
): Promise<Page<Schemas['MyStore']>> {
  const limit = page.limit ?? 20;
  const after = decodeCursorMatching(page.cursor, STORE_ID);
  let select = db
    .selectFrom('memberships')
    .innerJoin('stores', 'stores.id', 'memberships.store_id')
    .selectAll('stores')
    .select('memberships.role as member_role')
    .where('memberships.user_id', '=', userId);
  if (after) select = select.where('stores.id', '>', after);
  const rows = await select
    .orderBy('stores.id')
    .limit(limit + 1)
    .execute();
  return toPage(
    rows,
    limit,
    (row) => row.id,
    ({ member_role, ...store }) => ({ store: toStore(store), role: member_role }),
  );
}

/** One page of every store, newest first, for admins. */
export async function listStores(
  db: Db,
  query: { status?: StoreStatus | undefined; cursor?: string | undefined; limit?: number | undefined },
): Promise<Page<Schemas['Store']>> {
  const limit = query.limit ?? 20;
  const after = decodeCursorMatching(query.cursor, STORE_ID);
  let select = db.selectFrom('stores').selectAll();
  if (query.status) select = select.where('status', '=', query.status);
  if (after) select = select.where('id', '<', after);
  const rows = await select
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, (row) => row.id, toStore);
}

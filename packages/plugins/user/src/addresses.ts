import type { UserComponents } from '@tokobapak/sdk';
import { decodeCursor, newId, type Page, toPage } from '@tokobapak/server';
import type { Kysely, Updateable } from 'kysely';
import type { UserDatabase } from './database.js';
import { defaultFirstKey, parseDefaultFirstKey } from './default-first.js';
import { userErrors } from './errors.js';
import { exactlyOneDefault } from './exactly-one-default.js';
import { type AddressRow, toAddress } from './mappers.js';
import type { Transact } from './users.js';

type Schemas = UserComponents['schemas'];
type Db = Kysely<UserDatabase>;

const defaults = exactlyOneDefault<'addresses', AddressRow>({ table: 'addresses', stampsUpdatedAt: true, notFound: () => userErrors.USER_ADDRESS_NOT_FOUND() });

/**
 * One page of a user's addresses: the default first, then the others newest first. A cursor is a
 * position in that order, so a default that moves between two page reads can make one address
 * repeat or be skipped; a fresh listing is always complete.
 */
export async function listAddresses(
  db: Db,
  userId: string,
  page: { cursor?: string | undefined; limit?: number | undefined },
): Promise<Page<Schemas['Address']>> {
  const limit = page.limit ?? 20;
  const after = parseDefaultFirstKey(decodeCursor(page.cursor));
  let select = db.selectFrom('addresses').selectAll().where('user_id', '=', userId);
  if (after) {
    const { id } = after;
    select = after.isDefault
      ? select.where((eb) => eb.or([eb('is_default', '=', false), eb('id', '<', id)]))
      : select.where('is_default', '=', false).where('id', '<', id);
  }
  const rows = await select
    .orderBy('is_default', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, defaultFirstKey, toAddress);
}

/** One of the user's addresses; another user's is reported exactly like a missing one. */
export async function getAddress(db: Db, userId: string, addressId: string): Promise<AddressRow> {
  const row = await db.selectFrom('addresses').selectAll().where('id', '=', addressId).where('user_id', '=', userId).executeTakeFirst();
  if (!row) throw userErrors.USER_ADDRESS_NOT_FOUND();
  return row;
}

/** Saves an address; the first one, or one saved with `isDefault: true`, becomes the default. */
export async function createAddress(transact: Transact, userId: string, input: Schemas['AddressInput'], now: Date): Promise<AddressRow> {
  return defaults.add(transact, userId, input.isDefault, now, (db, isDefault) =>
    db
      .insertInto('addresses')
      .values({
        id: newId('adr'),
        user_id: userId,
        label: input.label,
        recipient_name: input.recipientName,
        phone: input.phone,
        line1: input.line1,
        line2: input.line2 ?? null,
        city: input.city,
        region: input.region,
        postal_code: input.postalCode,
        country_code: input.countryCode,
        is_default: isDefault,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
}

/** Changes the fields given; which address is the default changes only through {@link setDefaultAddress}. */
export async function updateAddress(db: Db, userId: string, addressId: string, patch: Schemas['AddressPatch'], now: Date): Promise<AddressRow> {
  const changes: Updateable<UserDatabase['addresses']> = { updated_at: now };
  if (patch.label !== undefined) changes.label = patch.label;
  if (patch.recipientName !== undefined) changes.recipient_name = patch.recipientName;
  if (patch.phone !== undefined) changes.phone = patch.phone;
  if (patch.line1 !== undefined) changes.line1 = patch.line1;
  if (patch.line2 !== undefined) changes.line2 = patch.line2;
  if (patch.city !== undefined) changes.city = patch.city;
  if (patch.region !== undefined) changes.region = patch.region;
  if (patch.postalCode !== undefined) changes.postal_code = patch.postalCode;
  if (patch.countryCode !== undefined) changes.country_code = patch.countryCode;
  const row = await db.updateTable('addresses').set(changes).where('id', '=', addressId).where('user_id', '=', userId).returningAll().executeTakeFirst();
  if (!row) throw userErrors.USER_ADDRESS_NOT_FOUND();
  return row;
}

/** Deletes an address; when it was the default, the most recently created remaining one takes over. */
export async function deleteAddress(transact: Transact, userId: string, addressId: string, now: Date): Promise<void> {
  await defaults.remove(transact, userId, addressId, now);
}

/** Makes an address the default in place of the previous one; on the default itself it changes nothing. */
export async function setDefaultAddress(transact: Transact, userId: string, addressId: string, now: Date): Promise<AddressRow> {
  return defaults.setDefault(transact, userId, addressId, now);
}

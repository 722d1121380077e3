import type { CartComponents } from '@tokobapak/sdk';
import type { Kysely } from 'kysely';
import type { CartDatabase } from './database.js';
import { cartErrors } from './errors.js';
import type { TaxRule } from './options.js';

type Schemas = CartComponents['schemas'];
type Db = Kysely<CartDatabase>;

/** The platform's tax as carts apply it: an admin's setting, or the plugin option until there is one. */
export async function getPlatformTax(db: Db, fallback: TaxRule): Promise<Schemas['PlatformTax']> {
  const row = await db.selectFrom('platform_tax').selectAll().where('id', '=', 1).executeTakeFirst();
  if (!row) return { ...fallback, updatedAt: null };
  return {
    name: row.name,
    rateBasisPoints: row.rate_basis_points,
    baseNumerator: row.base_numerator,
    baseDenominator: row.base_denominator,
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Sets the platform's tax; every cart read after it applies it. */
export async function setPlatformTax(db: Db, input: Schemas['PlatformTaxInput'], now: Date): Promise<Schemas['PlatformTax']> {
  if (input.baseNumerator > input.baseDenominator) throw cartErrors.CART_INVALID_TAX(`${input.baseNumerator}/${input.baseDenominator} is above 1`);
  const values = {
    name: input.name,
    rate_basis_points: input.rateBasisPoints,
    base_numerator: input.baseNumerator,
    base_denominator: input.baseDenominator,
    updated_at: now,
  };
  await db
    .insertInto('platform_tax')
    .values({ id: 1, ...values })
    .onConflict((conflict) => conflict.column('id').doUpdateSet(values))
    .execute();
  return { ...input, updatedAt: now.toISOString() };
}

/** Whether a store's prices include tax (they do until it says otherwise). */
export async function getStoreTax(db: Db, storeId: string): Promise<Schemas['StoreTaxSettings']> {
  const row = await db.selectFrom('store_tax_settings').select('prices_include_tax').where('store_id', '=', storeId).executeTakeFirst();
  return { storeId, pricesIncludeTax: row?.prices_include_tax ?? true };
}

/** Records a store's choice. */
export async function setStoreTax(db: Db, storeId: string, pricesIncludeTax: boolean, now: Date): Promise<Schemas['StoreTaxSettings']> {
  await db
    .insertInto('store_tax_settings')
    .values({ store_id: storeId, prices_include_tax: pricesIncludeTax, updated_at: now })
    .onConflict((conflict) => conflict.column('store_id').doUpdateSet({ prices_include_tax: pricesIncludeTax, updated_at: now }))
    .execute();
  return { storeId, pricesIncludeTax };
}

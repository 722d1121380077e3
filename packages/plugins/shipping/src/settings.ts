import type { ShippingComponents } from '@tokobapak/sdk';
import { listTemplate } from '@tokobapak/server';
import type { Kysely, Selectable } from 'kysely';
import type { ShippingDatabase } from './database.js';
import { shippingErrors } from './errors.js';
import type { StoreShippingSettings } from './providers/types.js';

type Schemas = ShippingComponents['schemas'];
type Db = Kysely<ShippingDatabase>;

/** How long a quote can be chosen when the store has not said. */
export const DEFAULT_QUOTE_TTL_SECONDS = 1800;

/** What a store that has not set up shipping has: no provider, so no options. */
function defaults(storeId: string): StoreShippingSettings {
  return { storeId, currency: 'IDR', flatRate: null, weightTable: null, biteship: null, quoteTtlSeconds: DEFAULT_QUOTE_TTL_SECONDS, updatedAt: null };
}

/** A store's shipping settings, or the defaults. */
export async function readSettings(db: Db, storeId: string): Promise<StoreShippingSettings> {
  return (await readSettingsOf(db, [storeId])).get(storeId) as StoreShippingSettings;
}

/**
 * The stores' settings rows, compiled once per count of stores up to 16 (a checkout's, a cart's):
 * one store (the usual case) keeps the `=` statement, with its plan; more are `in ($1, …)`.
 */
const settingsOfStores = listTemplate<ShippingDatabase, Selectable<ShippingDatabase['store_settings']>>({
  name: 'shipping_store_settings',
  max: 16,
  build: (db, storeIds) => {
    const query = db.selectFrom('store_settings').selectAll();
    return storeIds.length === 1 ? query.where('store_id', '=', storeIds[0] as string) : query.where('store_id', 'in', storeIds as string[]);
  },
});

/** Several stores' shipping settings (the defaults for a store that has none), in one statement. */
export async function readSettingsOf(db: Db, storeIds: string[]): Promise<Map<string, StoreShippingSettings>> {
  const rows = await settingsOfStores(db, storeIds);
  const settings = new Map(storeIds.map((storeId) => [storeId, defaults(storeId)]));
  for (const row of rows) {
    settings.set(row.store_id, {
      storeId: row.store_id,
      currency: row.currency,
      flatRate: row.flat_rate as StoreShippingSettings['flatRate'],
      weightTable: row.weight_table as StoreShippingSettings['weightTable'],
      biteship: row.biteship as StoreShippingSettings['biteship'],
      quoteTtlSeconds: row.quote_ttl_seconds,
      updatedAt: row.updated_at.toISOString(),
    });
  }
  return settings;
}

/** Replaces a store's settings after checking what the schema cannot (bracket order, empty zones, an unconfigured carrier). */
export async function writeSettings(
  db: Db,
  storeId: string,
  input: Schemas['ShippingSettingsInput'],
  now: Date,
  biteshipAvailable: boolean,
): Promise<StoreShippingSettings> {
  const problems = settingsProblems(input, biteshipAvailable);
  if (problems.length > 0) throw shippingErrors.SHIPPING_INVALID_SETTINGS({ detail: problems.map((problem) => problem.message).join('; '), errors: problems });
  const values = {
    currency: input.currency,
    flat_rate: input.flatRate === null ? null : JSON.stringify(input.flatRate),
    weight_table: input.weightTable === null ? null : JSON.stringify(input.weightTable),
    biteship: input.biteship === null ? null : JSON.stringify(input.biteship),
    quote_ttl_seconds: input.quoteTtlSeconds ?? DEFAULT_QUOTE_TTL_SECONDS,
    updated_at: now,
  };
  await db
    .insertInto('store_settings')
    .values({ store_id: storeId, ...values })
    .onConflict((conflict) => conflict.column('store_id').doUpdateSet(values))
    .execute();
  return readSettings(db, storeId);
}

function settingsProblems(input: Schemas['ShippingSettingsInput'], biteshipAvailable: boolean): Array<{ pointer: string; message: string }> {
  const problems: Array<{ pointer: string; message: string }> = [];
  const ascending = (brackets: Schemas['WeightBracket'][], pointer: string) => {
    brackets.forEach((bracket, index) => {
      const previous = brackets[index - 1];
      if (previous && bracket.upToGrams <= previous.upToGrams)
        problems.push({ pointer: `${pointer}/${index}/upToGrams`, message: 'must be more than the bracket before it' });
    });
  };
  const matchesSomething = (zone: { provinces?: string[]; postalCodePrefixes?: string[] }, pointer: string) => {
    if ((zone.provinces ?? []).length === 0 && (zone.postalCodePrefixes ?? []).length === 0)
      problems.push({ pointer, message: 'must name a province or a postal-code prefix' });
  };
  const days = (estimate: Schemas['EstimatedDays'] | undefined, pointer: string) => {
    if (estimate && estimate.max < estimate.min) problems.push({ pointer: `${pointer}/max`, message: 'must not be less than min' });
  };
  if (input.flatRate) {
    days(input.flatRate.estimatedDays, '#/flatRate/estimatedDays');
    input.flatRate.zones?.forEach((zone, index) => {
      matchesSomething(zone, `#/flatRate/zones/${index}`);
    });
  }
  if (input.weightTable) {
    days(input.weightTable.estimatedDays, '#/weightTable/estimatedDays');
    ascending(input.weightTable.brackets, '#/weightTable/brackets');
    input.weightTable.zones?.forEach((zone, index) => {
      matchesSomething(zone, `#/weightTable/zones/${index}`);
      ascending(zone.brackets, `#/weightTable/zones/${index}/brackets`);
    });
  }
  if (input.biteship) {
    if (!biteshipAvailable) problems.push({ pointer: '#/biteship', message: 'this server has no Biteship account' });
    else if (input.currency !== 'IDR') problems.push({ pointer: '#/currency', message: 'Biteship charges in IDR' });
  }
  return problems;
}

import type { ShippingComponents } from '@tokobapak/sdk';
import { isProblemError, newId, type ProblemError, platformErrors, rowsTemplate } from '@tokobapak/server';
import type { Kysely, Selectable } from 'kysely';
import type { ShippingDatabase, StoredDestination, StoredItem } from './database.js';
import { shippingErrors } from './errors.js';
import type { Providers } from './providers/index.js';
import type { Rate, StoreShippingSettings } from './providers/types.js';
import { readSettingsOf } from './settings.js';
import { loadQuoteShared } from './shared-quote-reads.js';

type Schemas = ShippingComponents['schemas'];
type Db = Kysely<ShippingDatabase>;
/** A stored quote. */
export type QuoteRow = Selectable<ShippingDatabase['quotes']>;

/** Total grams of a parcel; items and quantities are bounded by the schema, so this stays a safe integer. */
export function parcelWeight(items: StoredItem[]): number {
  return items.reduce((sum, item) => sum + item.weight * item.quantity, 0);
}

/** Postal codes compare without case or spaces. */
export function samePostalCode(a: string, b: string): boolean {
  const norm = (code: string) => code.replace(/\s+/g, '').toUpperCase();
  return norm(a) === norm(b);
}

/**
 * Asks every provider the store has enabled for its options and stores each as a quote, so its
 * id fixes its price. A carrier that fails is left out; only when nothing else is offered does its
 * failure reach the caller.
 */
export async function quoteRates(db: Db, providers: Providers, input: Schemas['QuoteInput'], now: Date): Promise<Schemas['QuoteResult']> {
  const { destination, currency, storeId, items } = input;
  const [priced] = await priceParcels(db, providers, { destination, currency, parcels: [{ storeId, items }] });
  if (priced?.problem) throw priced.problem;
  const [result] = await storeQuotes(db, [priced as PricedParcel], input.destination.postalCode, currency, now);
  return result as Schemas['QuoteResult'];
}

/**
 * `quoteRates` for several stores' parcels to one destination: the same pricing of each parcel,
 * with one read of the stores' settings and one write of every quote. A store that charges in
 * another currency gives no options here (the other stores are still quoted); a carrier that failed
 * a store with nothing else to offer fails the whole call, before anything is stored.
 */
export async function quoteStores(db: Db, providers: Providers, input: Schemas['StoresQuoteInput'], now: Date): Promise<Schemas['StoresQuoteResult']> {
  const seen = new Set<string>();
  input.parcels.forEach((parcel, index) => {
    if (seen.has(parcel.storeId)) {
      throw platformErrors.VALIDATION_FAILED({
        detail: `Store ${parcel.storeId} is named twice`,
        errors: [{ pointer: `#/parcels/${index}/storeId`, message: "must not repeat an earlier parcel's store" }],
      });
    }
    seen.add(parcel.storeId);
  });
  const priced = await priceParcels(db, providers, input);
  const carrierDown = priced.find((parcel) => parcel.problem?.code === 'SHIPPING_CARRIER_UNAVAILABLE')?.problem;
  if (carrierDown) throw carrierDown;
  return { stores: await storeQuotes(db, priced, input.destination.postalCode, input.currency, now) };
}

/** One store's parcel as the providers priced it (nothing stored yet), or why it cannot be quoted. */
interface PricedParcel {
  storeId: string;
  weight: number;
  offered: Array<{ provider: QuoteRow['provider']; rate: Rate }>;
  quoteTtlSeconds: number;
  problem?: ProblemError;
}

/** Prices each parcel with its store's enabled providers, the stores' settings read in one statement. */
async function priceParcels(db: Db, providers: Providers, input: Schemas['StoresQuoteInput']): Promise<PricedParcel[]> {
  const settingsByStore = await readSettingsOf(
    db,
    input.parcels.map((parcel) => parcel.storeId),
  );
  return Promise.all(
    input.parcels.map(async (parcel): Promise<PricedParcel> => {
      const settings = settingsByStore.get(parcel.storeId) as StoreShippingSettings;
      const weight = parcelWeight(parcel.items);
      const none = { storeId: parcel.storeId, weight, offered: [], quoteTtlSeconds: settings.quoteTtlSeconds };
      if (settings.updatedAt === null) return none;
      if (input.currency !== settings.currency) {
        const problem = shippingErrors.SHIPPING_CURRENCY_MISMATCH({
          detail: `This store charges shipping in ${settings.currency}`,
          errors: [{ pointer: '#/currency', message: `must be ${settings.currency}` }],
        });
        return { ...none, problem };
      }
      const request = { destination: input.destination as StoredDestination, items: parcel.items, weight, currency: input.currency };
      const enabled = [
        settings.flatRate ? providers['flat-rate'] : undefined,
        settings.weightTable ? providers['weight-table'] : undefined,
        settings.biteship ? providers.biteship : undefined,
      ].filter((provider) => provider !== undefined);
      const failures: ProblemError[] = [];
      const answers = await Promise.all(
        enabled.map(async (provider) => {
          try {
            return (await provider.rates(request, settings)).map((rate) => ({ provider: provider.name, rate }));
          } catch (error) {
            if (!isProblemError(error)) throw error;
            failures.push(error as ProblemError);
            return [];
          }
        }),
      );
      const offered = answers.flat().sort((a, b) => a.rate.amount - b.rate.amount);
      const unavailable = failures.find((failure) => failure.code === 'SHIPPING_CARRIER_UNAVAILABLE');
      if (offered.length === 0 && unavailable) return { ...none, problem: unavailable };
      return { ...none, offered };
    }),
  );
}

/** Stores every parcel's options as quotes in one statement, answering each parcel's options cheapest first. */
async function storeQuotes(db: Db, priced: PricedParcel[], postalCode: string, currency: string, now: Date): Promise<Schemas['QuoteResult'][]> {
  const results = priced.map((parcel) => {
    const expiresAt = new Date(now.getTime() + parcel.quoteTtlSeconds * 1000);
    const rows = parcel.offered.map(({ provider, rate }) => quoteRow(provider, rate, parcel, postalCode, currency, now, expiresAt));
    return { parcel, rows, expiresAt };
  });
  const rows = results.flatMap((result) => result.rows);
  if (rows.length > 0) await insertQuotes(db, rows);
  return results.map(({ parcel, rows: stored, expiresAt }) => ({
    storeId: parcel.storeId,
    options: stored.map((row, index) => ({
      optionId: row.id,
      provider: row.provider,
      service: row.service,
      name: row.name,
      amount: { amount: row.amount, currency: row.currency },
      estimatedDays: (parcel.offered[index] as { rate: Rate }).rate.estimatedDays,
      expiresAt: expiresAt.toISOString(),
    })),
  }));
}

/**
 * The quotes' insert, compiled once per count of rows up to 32 (a checkout's stores' options), each
 * value its own placeholder; more are built for themselves, so that the shapes kept stay few.
 */
const quotesInsert = rowsTemplate<ShippingDatabase, object, { quotes: ReturnType<typeof quoteRow> }, never>({
  name: 'shipping_store_quotes',
  max: { quotes: 32 },
  build: (db, _fixed, { quotes }) => db.insertInto('quotes').values(quotes) as never,
});

/** Inserts the quotes in one statement. */
async function insertQuotes(db: Db, rows: Array<ReturnType<typeof quoteRow>>): Promise<void> {
  await quotesInsert(db, {}, { quotes: rows });
}

function quoteRow(provider: QuoteRow['provider'], rate: Rate, parcel: PricedParcel, postalCode: string, currency: string, now: Date, expiresAt: Date) {
  return {
    id: newId('shq', now.getTime()),
    store_id: parcel.storeId,
    provider,
    service: rate.service,
    name: rate.name,
    amount: rate.amount,
    currency,
    min_days: rate.estimatedDays?.min ?? null,
    max_days: rate.estimatedDays?.max ?? null,
    postal_code: postalCode,
    weight: parcel.weight,
    carrier_data: JSON.stringify(rate.carrierData),
    created_at: now,
    expires_at: expiresAt,
  };
}

/** A quote that can still be chosen: 404 when there is none, 410 once it has expired (read with the others asked at once). */
export async function chosenQuote(db: Db, optionId: string, now: Date): Promise<Schemas['Quote']> {
  const row = await loadQuoteShared(db, optionId);
  if (!row) throw shippingErrors.SHIPPING_QUOTE_NOT_FOUND();
  if (row.expires_at.getTime() <= now.getTime())
    throw shippingErrors.SHIPPING_QUOTE_EXPIRED({ detail: `The option expired at ${row.expires_at.toISOString()}` });
  return toQuote(row);
}

/** A stored quote as the API shows it. */
export function toQuote(row: QuoteRow): Schemas['Quote'] {
  return {
    optionId: row.id,
    storeId: row.store_id,
    provider: row.provider,
    service: row.service,
    name: row.name,
    amount: { amount: Number(row.amount), currency: row.currency },
    estimatedDays: row.min_days === null || row.max_days === null ? null : { min: row.min_days, max: row.max_days },
    postalCode: row.postal_code,
    weight: Number(row.weight),
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
  };
}

/** Drops quotes too old to be shipped, a batch at a time (a job runs it). */
export async function sweepOldQuotes(db: Db, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('quotes')
    .where('id', 'in', (query) => query.selectFrom('quotes').select('id').where('created_at', '<', before).limit(5000))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

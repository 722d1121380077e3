import { coalescedReader, queryTemplate } from '@tokobapak/server';
import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import type { CartDatabase, CartStatus } from './database.js';
import type { TaxRule } from './options.js';
import type { StoredCart } from './view.js';

type Db = Kysely<CartDatabase>;

/** A cart row as the read statements answer it, its lines, tax choices and shipping as JSON. */
export interface CartRowJson {
  id: string;
  customer_id: string | null;
  token_hash: string | null;
  status: CartStatus;
  currency: string;
  coupon_codes: string[];
  checkout_id: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  lines: Array<{ id: string; variant_id: string; store_id: string; quantity: number }>;
  store_taxes: Array<{ store_id: string; prices_include_tax: boolean }>;
  shipping: Array<{ store_id: string; option_id: string; amount: number | string; weight: number | string }>;
  platform_tax: { name: string; rate_basis_points: number; base_numerator: number; base_denominator: number } | null;
  /** The row version (`xmin`) this read saw; the insert does not answer it. */
  version?: string;
}

/** The cart row's own columns, as every read and the guest cart's insert answer them. */
export const CART_COLUMNS = [
  'carts.id',
  'carts.customer_id',
  'carts.token_hash',
  'carts.status',
  'carts.currency',
  'carts.coupon_codes',
  'carts.checkout_id',
  'carts.created_at',
  'carts.updated_at',
] as const;

/** What every cart read selects: the row, its lines, its stores' tax choices, its shipping and the platform tax. */
function withCartContents(db: Db) {
  return db.selectFrom('carts').select((eb) => [
    ...CART_COLUMNS,
    sql<string>`carts.xmin::text`.as('version'),
    jsonArrayFrom(
      eb
        .selectFrom('cart_lines')
        .select(['cart_lines.id', 'cart_lines.variant_id', 'cart_lines.store_id', 'cart_lines.quantity'])
        .whereRef('cart_lines.cart_id', '=', 'carts.id')
        .orderBy('cart_lines.created_at')
        .orderBy('cart_lines.id'),
    ).as('lines'),
    jsonArrayFrom(
      eb
        .selectFrom('store_tax_settings')
        .select(['store_tax_settings.store_id', 'store_tax_settings.prices_include_tax'])
        .where('store_tax_settings.store_id', 'in', eb.selectFrom('cart_lines as l').select('l.store_id').whereRef('l.cart_id', '=', 'carts.id')),
    ).as('store_taxes'),
    jsonArrayFrom(
      eb
        .selectFrom('cart_shipping')
        .select(['cart_shipping.store_id', 'cart_shipping.option_id', 'cart_shipping.amount', 'cart_shipping.weight'])
        .whereRef('cart_shipping.cart_id', '=', 'carts.id'),
    ).as('shipping'),
    jsonObjectFrom(
      eb.selectFrom('platform_tax').select(['name', 'rate_basis_points', 'base_numerator', 'base_denominator']).where('platform_tax.id', '=', 1),
    ).as('platform_tax'),
  ]);
}

/** A cart with its lines, its stores' tax choices and the platform tax, in one statement (every read and write answers with it). */
const cartQuery = queryTemplate<CartDatabase, { id: string }, CartRowJson>({
  name: 'cart_by_id',
  build: (db, p) => withCartContents(db).where('carts.id', '=', p.id) as never,
});

/** Several carts as `cartQuery` answers each, in one statement (the reads of concurrent requests, see `loadCartShared`). */
const cartsQuery = queryTemplate<CartDatabase, { ids: string[] }, CartRowJson>({
  name: 'carts_by_ids',
  build: (db, p) => withCartContents(db).where(sql<boolean>`carts.id = any(${p.ids}::text[])`) as never,
});

/** The cart as stored, or undefined. `defaultTax` applies until an admin sets the platform's. */
export async function loadCart(db: Db, cartId: string, defaultTax: TaxRule): Promise<StoredCart | undefined> {
  const [row] = await cartQuery.execute(db, { id: cartId });
  return row ? storedCartOf(row, defaultTax) : undefined;
}

const sharedReads = new WeakMap<Db, (ids: Iterable<string>) => Promise<Map<string, CartRowJson>>>();

/**
 * `loadCart` shared by the cart reads that ask in the same turn of the event loop (see
 * `coalescedReader`): one statement for all of them. Only with the plugin's own `ctx.db`, never
 * a transaction's.
 */
export async function loadCartShared(db: Db, cartId: string, defaultTax: TaxRule): Promise<StoredCart | undefined> {
  let read = sharedReads.get(db);
  if (!read) {
    // One cart (the usual case) goes by `cartQuery`: PostgreSQL plans an `= any($n)` list anew on
    // every run (its generic plan cannot know the list's length and looks dearer), an `=` once.
    read = coalescedReader(async (ids) => {
      const rows = ids.length === 1 ? await cartQuery.execute(db, { id: ids[0] as string }) : await cartsQuery.execute(db, { ids });
      return new Map(rows.map((row) => [row.id, row]));
    });
    sharedReads.set(db, read);
  }
  const row = (await read([cartId])).get(cartId);
  return row ? storedCartOf(row, defaultTax) : undefined;
}

/** A new guest cart's row, answering only the platform tax, read in the same statement. */
const insertGuestCartQuery = queryTemplate<CartDatabase, { id: string; tokenHash: string; currency: string; now: Date }, Pick<CartRowJson, 'platform_tax'>>({
  name: 'cart_insert_guest',
  build: (db, p) =>
    db
      .insertInto('carts')
      .values({
        id: p.id,
        customer_id: null,
        token_hash: p.tokenHash,
        status: 'open',
        currency: p.currency,
        coupon_codes: '[]',
        checkout_id: null,
        created_at: p.now,
        updated_at: p.now,
      })
      .returning((eb) => [
        jsonObjectFrom(
          eb.selectFrom('platform_tax').select(['name', 'rate_basis_points', 'base_numerator', 'base_denominator']).where('platform_tax.id', '=', 1),
        ).as('platform_tax'),
      ]) as never,
});

/**
 * Stores a guest's new, empty cart and answers it as `loadCart` would, in one statement: a new cart
 * has no lines, store tax choices or shipping, and the platform tax is read in the insert's
 * `returning`. Creating a cart is the cart's most frequent write; the second statement it used to
 * take (reading the cart back) was a third of its cost. The insert sets every column a read
 * answers, so the row is the values given and only the platform tax comes back: parsing nine
 * columns whose values are already known cost several per cent of the request.
 */
export async function insertGuestCart(
  db: Db,
  values: { id: string; tokenHash: string; currency: string; now: Date },
  defaultTax: TaxRule,
): Promise<StoredCart> {
  const [row] = await insertGuestCartQuery.execute(db, values);
  if (!row) throw new Error(`cart ${values.id} was not stored`);
  return newCartOf({ id: values.id, customerId: null, tokenHash: values.tokenHash, currency: values.currency, now: values.now }, row.platform_tax, defaultTax);
}

/**
 * A cart just inserted, as `loadCart` would answer it: the values inserted, no lines, store tax
 * choices or shipping yet, and the platform tax its insert statement read.
 */
export function newCartOf(
  values: { id: string; customerId: string | null; tokenHash: string | null; currency: string; now: Date },
  platformTax: CartRowJson['platform_tax'],
  defaultTax: TaxRule,
): StoredCart {
  return storedCartOf(
    {
      id: values.id,
      customer_id: values.customerId,
      token_hash: values.tokenHash,
      status: 'open',
      currency: values.currency,
      coupon_codes: [],
      checkout_id: null,
      created_at: values.now,
      updated_at: values.now,
      lines: [],
      store_taxes: [],
      shipping: [],
      platform_tax: platformTax,
    },
    defaultTax,
  );
}

/** The platform tax as every cart statement selects it (null until an admin sets it). */
export function platformTaxOf(eb: ExpressionBuilder<CartDatabase, never>) {
  return jsonObjectFrom(
    eb.selectFrom('platform_tax').select(['name', 'rate_basis_points', 'base_numerator', 'base_denominator']).where('platform_tax.id', '=', 1),
  );
}

/** The stored cart of a row as the read statements answer it. */
export function storedCartOf(row: CartRowJson, defaultTax: TaxRule): StoredCart {
  const platform = row.platform_tax;
  return {
    id: row.id,
    customerId: row.customer_id,
    tokenHash: row.token_hash,
    status: row.status,
    currency: row.currency,
    // A copy: a row read for several concurrent requests (`loadCartShared`) gives each its own cart.
    couponCodes: [...row.coupon_codes],
    checkoutId: row.checkout_id,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    lines: row.lines.map((line) => ({ id: line.id, variantId: line.variant_id, storeId: line.store_id, quantity: line.quantity })),
    storeTaxes: new Map(row.store_taxes.map((store) => [store.store_id, store.prices_include_tax])),
    shipping: row.shipping.map((choice) => ({
      storeId: choice.store_id,
      optionId: choice.option_id,
      amount: Number(choice.amount),
      weight: Number(choice.weight),
    })),
    tax: platform
      ? { name: platform.name, rateBasisPoints: platform.rate_basis_points, baseNumerator: platform.base_numerator, baseDenominator: platform.base_denominator }
      : defaultTax,
    ...(row.version === undefined ? {} : { version: row.version }),
  };
}

function iso(value: Date | string): string {
  return typeof value === 'string' ? new Date(value).toISOString() : value.toISOString();
}

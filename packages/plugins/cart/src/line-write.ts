import { queryTemplate } from '@tokobapak/server';
import { type Kysely, sql } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import type { CartDatabase } from './database.js';
import { insertNewLine } from './new-line.js';
import type { TaxRule } from './options.js';
import { CART_COLUMNS, type CartRowJson, storedCartOf } from './stored-cart.js';
import type { StoredCart } from './view.js';

/** The most units one line holds (the spec's bound on a quantity). */
export const MAX_LINE_QUANTITY = 10000;

/** What adding units of a variant to a cart needs, the variant's figures as inventory answered them just before. */
export interface AddLineValues {
  cartId: string;
  variantId: string;
  /** The id a new line gets (unused when the variant already has a line). */
  lineId: string;
  storeId: string;
  currency: string;
  quantity: number;
  available: number;
  maxLines: number;
  now: Date;
}

/** Why a line was not written, as the statement found the cart. */
export type LineRefusal = 'CART_NOT_OPEN' | 'CART_CURRENCY_MISMATCH' | 'CART_LINE_QUANTITY_LIMIT' | 'CART_INSUFFICIENT_STOCK' | 'CART_TOO_MANY_LINES';

interface AddLineRow extends Omit<CartRowJson, 'id' | 'status'> {
  /** The cart's id once stamped (the line was written); null when nothing was written. */
  id: string | null;
  status: CartRowJson['status'] | null;
  refusal: LineRefusal | null;
  /** The line's quantity after the addition. */
  quantity: number;
}

/**
 * Adding units to a line as one statement: it reads the cart's version (`xmin`), the line and the
 * number of lines, decides, and only if the change is allowed stamps the cart (taking its row lock),
 * writes the line and answers the cart as it is after the write.
 *
 * The stamp only matches the cart row version the statement's snapshot saw. Every change of a
 * cart's lines, shipping or coupons updates its row in the same transaction (after locking it
 * first), so a matching version means nothing changed the cart between the snapshot and the lock:
 * the lines the statement decided on are the current ones. Had another change committed in
 * between (or held the lock), PostgreSQL re-checks the condition against the newer row, the
 * versions differ, and nothing is written: the caller then takes the lock first, in a transaction,
 * and runs the statement again. So one round trip when nothing competes, and the stock and line
 * caps hold under any concurrency.
 */
const addLineStatement = queryTemplate<CartDatabase, AddLineValues, AddLineRow>({
  name: 'cart_add_line',
  build: (db, p) =>
    db
      .with('seen', (qb) =>
        qb
          .selectFrom('carts')
          .select([sql`carts.xmin`.as('version'), 'carts.status', 'carts.currency'])
          .where('carts.id', '=', p.cartId),
      )
      .with('line', (qb) =>
        qb
          .selectFrom('cart_lines')
          .select(['cart_lines.id', 'cart_lines.quantity'])
          .where('cart_lines.cart_id', '=', p.cartId)
          .where('cart_lines.variant_id', '=', p.variantId),
      )
      .with('counted', (qb) => qb.selectFrom('cart_lines').select(sql<number>`count(*)::int`.as('lines')).where('cart_lines.cart_id', '=', p.cartId))
      .with('verdict', (qb) =>
        qb
          .selectFrom('seen')
          .innerJoin('counted', (join) => join.onTrue())
          .leftJoin('line', (join) => join.onTrue())
          .select([
            sql<number>`coalesce(line.quantity, 0) + ${p.quantity}::int`.as('quantity'),
            // In the order the checks were always made; null: the change is allowed.
            sql<LineRefusal | null>`case
              when seen.status <> 'open' then 'CART_NOT_OPEN'
              when seen.currency <> ${p.currency}::text then 'CART_CURRENCY_MISMATCH'
              when coalesce(line.quantity, 0) + ${p.quantity}::int > ${MAX_LINE_QUANTITY}::int then 'CART_LINE_QUANTITY_LIMIT'
              when coalesce(line.quantity, 0) + ${p.quantity}::int > ${p.available}::int then 'CART_INSUFFICIENT_STOCK'
              when line.id is null and counted.lines >= ${p.maxLines}::int then 'CART_TOO_MANY_LINES'
            end`.as('refusal'),
          ]),
      )
      .with('stamped', (qb) =>
        qb
          .updateTable('carts')
          .set({ updated_at: p.now })
          .where('carts.id', '=', p.cartId)
          .where(sql<boolean>`carts.xmin = (select seen.version from seen) and (select verdict.refusal from verdict) is null`)
          .returning(CART_COLUMNS),
      )
      .with('changed', (qb) =>
        qb
          .updateTable('cart_lines')
          .set({ quantity: sql`(select verdict.quantity from verdict)`, updated_at: p.now })
          .where('cart_lines.id', '=', sql<string>`(select line.id from line)`)
          .where(sql<boolean>`exists (select 1 from stamped)`)
          .returning(['cart_lines.id', 'cart_lines.variant_id', 'cart_lines.store_id', 'cart_lines.quantity', 'cart_lines.created_at']),
      )
      .with('added', (qb) =>
        insertNewLine(
          qb,
          p,
          sql<number>`(select verdict.quantity from verdict)`,
          sql<boolean>`not exists (select 1 from line) and exists (select 1 from stamped)`,
        ).returning(['cart_lines.id', 'cart_lines.variant_id', 'cart_lines.store_id', 'cart_lines.quantity', 'cart_lines.created_at']),
      )
      // The lines after the write: the statement's own writes are visible only through `returning`.
      .with('lines', (qb) =>
        qb
          .selectFrom('cart_lines')
          .select(['cart_lines.id', 'cart_lines.variant_id', 'cart_lines.store_id', 'cart_lines.quantity', 'cart_lines.created_at'])
          .where('cart_lines.cart_id', '=', p.cartId)
          .where('cart_lines.variant_id', '<>', p.variantId)
          .unionAll((union) => union.selectFrom('changed').selectAll())
          .unionAll((union) => union.selectFrom('added').selectAll()),
      )
      .selectFrom('verdict')
      .leftJoin('stamped', (join) => join.onTrue())
      .select((eb) => [
        'verdict.refusal',
        'verdict.quantity',
        'stamped.id',
        'stamped.customer_id',
        'stamped.token_hash',
        'stamped.status',
        'stamped.currency',
        'stamped.coupon_codes',
        'stamped.checkout_id',
        'stamped.created_at',
        'stamped.updated_at',
        jsonArrayFrom(
          eb.selectFrom('lines').select(['lines.id', 'lines.variant_id', 'lines.store_id', 'lines.quantity']).orderBy('lines.created_at').orderBy('lines.id'),
        ).as('lines'),
        jsonArrayFrom(
          eb
            .selectFrom('store_tax_settings')
            .select(['store_tax_settings.store_id', 'store_tax_settings.prices_include_tax'])
            .where('store_tax_settings.store_id', 'in', eb.selectFrom('lines').select('lines.store_id')),
        ).as('store_taxes'),
        jsonArrayFrom(
          eb
            .selectFrom('cart_shipping')
            .select(['cart_shipping.store_id', 'cart_shipping.option_id', 'cart_shipping.amount', 'cart_shipping.weight'])
            .where('cart_shipping.cart_id', '=', p.cartId),
        ).as('shipping'),
        jsonObjectFrom(
          eb.selectFrom('platform_tax').select(['name', 'rate_basis_points', 'base_numerator', 'base_denominator']).where('platform_tax.id', '=', 1),
        ).as('platform_tax'),
      ]) as never,
});

/** What the statement did: the cart after the write, or why nothing was written (`undefined`: the cart is gone, or the change met another one; retry holding the lock). */
export type LineWrite = { cart: StoredCart; quantity: number } | { refusal: LineRefusal | undefined; quantity: number };

/**
 * Runs the add statement (see above). In a transaction that has locked the cart it always decides
 * on the current lines (`addLine` tries `writeVersionedLine` first, which needs no lock).
 */
export async function writeAddedLine(db: Kysely<CartDatabase>, values: AddLineValues, defaultTax: TaxRule): Promise<LineWrite> {
  const [row] = await addLineStatement.execute(db, values);
  if (!row) return { refusal: undefined, quantity: values.quantity };
  if (row.id === null || row.status === null) return { refusal: row.refusal ?? undefined, quantity: row.quantity };
  return { cart: storedCartOf({ ...row, id: row.id, status: row.status }, defaultTax), quantity: row.quantity };
}

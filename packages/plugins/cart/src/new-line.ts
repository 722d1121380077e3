import { type Expression, type QueryCreator, sql } from 'kysely';
import type { CartDatabase } from './database.js';

/** The values of a new cart line, as placeholders of a query template (`p.*`). */
interface NewLine {
  lineId: string;
  cartId: string;
  variantId: string;
  storeId: string;
  now: Date;
}

/**
 * Inserts a new line when `guard` holds (in a statement that decided first whether it may), as
 * `insert into cart_lines (…) select … where guard`; the caller adds its `returning`. The columns
 * are typed casts because placeholders reach PostgreSQL untyped.
 */
export function insertNewLine<DB extends CartDatabase>(statement: QueryCreator<DB>, line: NewLine, quantity: Expression<number>, guard: Expression<boolean>) {
  // The statement's own common table expressions (the guard's) are not needed for the insert's types.
  const qb = statement as unknown as QueryCreator<CartDatabase>;
  return qb
    .insertInto('cart_lines')
    .columns(['id', 'cart_id', 'variant_id', 'store_id', 'quantity', 'created_at', 'updated_at'])
    .expression(
      qb
        .selectNoFrom([
          sql<string>`${line.lineId}::text`.as('id'),
          sql<string>`${line.cartId}::text`.as('cart_id'),
          sql<string>`${line.variantId}::text`.as('variant_id'),
          sql<string>`${line.storeId}::text`.as('store_id'),
          sql<number>`${quantity}`.as('quantity'),
          sql<Date>`${line.now}::timestamptz`.as('created_at'),
          sql<Date>`${line.now}::timestamptz`.as('updated_at'),
        ])
        .where(guard),
    );
}

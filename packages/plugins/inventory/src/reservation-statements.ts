import { queryTemplate, rowsTemplate } from '@tokobapak/server';
import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { InventoryDatabase } from './database.js';
import type { ReservationItemRow, ReservationRow } from './mappers.js';
import { lockedInOrder, type StockItem, type WrittenStock, wanted } from './stock-writes.js';

// The two statements of every checkout's stock: reserving and committing. Each is compiled once
// per shape (`rowsTemplate`, `queryTemplate`): building and compiling them with Kysely on every
// call cost more CPU than running them.

type Db = Kysely<InventoryDatabase>;

/** A new reservation's row, as `insertReservation` stores it (active, created now). */
export interface NewReservation {
  id: string;
  reference: string;
  expiresAt: Date;
  now: Date;
}

interface ReservationRowJson {
  inserted: boolean;
  taken: WrittenStock[];
}

/**
 * A new reservation, in one statement: its row is inserted (`on conflict (reference) do nothing`);
 * only if it was, each item's quantity is reserved on a variant that has it available
 * (`stock_on_hand - reserved >= quantity`, checked again on the row's latest version when a
 * concurrent write changed it) and that is `sellable`, the variants locked in id order first,
 * and the reservation's item is stored for each variant taken. `inserted` is false when the
 * reference was reserved before (nothing else was written or locked); `taken` holds the variants
 * taken, in id order. The others (short, off sale, missing) are not there, and the caller refuses
 * the whole reservation (rolling these writes back) when any is missing. Items are distinct variants.
 */
export async function insertReservation(
  db: Db,
  reservation: NewReservation,
  items: readonly StockItem[],
): Promise<{ inserted: boolean; taken: WrittenStock[] }> {
  const [row] = await reservationInsert(db, reservation, { items });
  if (!row) throw new Error(`reservation ${reservation.id} answered no row`);
  return { inserted: Boolean(row.inserted), taken: row.taken as WrittenStock[] };
}

/**
 * The reservation statement compiled once per count of items, up to 20 (one statement text for
 * each count, see `wanted`); a bigger reservation, rare, is built per call, so that the shapes kept
 * (and the prepared statements of every connection) stay few.
 */
const reservationInsert = rowsTemplate<InventoryDatabase, NewReservation, { items: StockItem }, ReservationRowJson>({
  name: 'inventory_reserve',
  max: { items: 20 },
  build: (db, reservation, { items }) => reservationStatement(db, reservation, items) as never,
});

/** The statement `insertReservation` runs, of values or of a template's placeholders. */
function reservationStatement(db: Db, reservation: NewReservation, items: readonly StockItem[]) {
  // The reservation just inserted, as the other parts of the statement see it (nothing when the reference was used).
  // biome-ignore lint/suspicious/noExplicitAny: the expression builder's selectFrom, typed by the caller's query
  const insertedExists = ({ exists, selectFrom }: any) => exists(selectFrom('inserted').select('inserted.id'));
  return db
    .with('inserted', (cte) =>
      cte
        .insertInto('reservations')
        .values({
          id: reservation.id,
          reference: reservation.reference,
          status: 'active',
          expires_at: reservation.expiresAt,
          created_at: reservation.now,
          updated_at: reservation.now,
        })
        .onConflict((conflict) => conflict.column('reference').doNothing())
        .returning('reservations.id'),
    )
    .with('taken', (cte) =>
      cte
        .updateTable('variants')
        .from(wanted(items))
        .set((eb) => ({ reserved: eb('variants.reserved', '+', eb.ref('wanted.quantity')), updated_at: reservation.now }))
        .whereRef('variants.id', '=', 'wanted.id')
        .where(insertedExists)
        .where('variants.id', 'in', lockedInOrder(db, items).where(insertedExists))
        .where(sql<boolean>`variants.stock_on_hand - variants.reserved >= wanted.quantity`)
        .where(({ exists, selectFrom }) => exists(sellable(selectFrom)))
        .returning([
          'variants.id',
          'variants.product_id',
          'variants.store_id',
          'variants.stock_on_hand',
          'variants.reserved',
          'wanted.quantity as taken_quantity',
        ]),
    )
    .with('stored', (cte) =>
      cte
        .insertInto('reservation_items')
        .columns(['reservation_id', 'variant_id', 'product_id', 'store_id', 'quantity'])
        .expression((eb) =>
          eb
            .selectFrom('taken')
            .innerJoin('inserted', (join) => join.onTrue())
            .select(['inserted.id', 'taken.id as variant_id', 'taken.product_id', 'taken.store_id', 'taken.taken_quantity']),
        )
        .returning('reservation_items.variant_id'),
    )
    .selectNoFrom((eb) => [
      eb.exists(eb.selectFrom('inserted').select('inserted.id')).as('inserted'),
      jsonArrayFrom(
        eb.selectFrom('taken').select(['taken.id', 'taken.product_id', 'taken.store_id', 'taken.stock_on_hand', 'taken.reserved']).orderBy('taken.id'),
      ).as('taken'),
    ]);
}

/** A reservation claimed for its commit, with its items and the variants as written. */
export type ClaimedReservation = ReservationRow & { items: ReservationItemRow[]; taken: WrittenStock[] };

/**
 * The usual commit, in one statement: an active reservation not yet due becomes committed (which
 * locks its row, as `lockReservation` would), its quantities leave the stock on hand and the
 * reserved count of its variants (locked in variant id order, the lock order of reserving), and it
 * comes back with its items and the variants as written, both in variant id order. Undefined when
 * it is anything else (committed, released, expired or due, missing): then nothing was written, and
 * the caller looks at it under the lock. No sold-out flag to bring in step: the held quantities
 * leave the stock on hand and the reserved count alike, so what is available does not change.
 */
export async function claimForCommit(db: Db, reservationId: string, now: Date): Promise<ClaimedReservation | undefined> {
  const [row] = await commitClaim.execute(db, { reservationId, now });
  return row;
}

const commitClaim = queryTemplate<InventoryDatabase, { reservationId: string; now: Date }, ClaimedReservation>({
  name: 'inventory_commit_claim',
  build: (db, p) =>
    db
      .with('claimed', (claim) =>
        claim
          .updateTable('reservations')
          .set({ status: 'committed', updated_at: p.now })
          .where('id', '=', p.reservationId)
          .where('status', '=', 'active')
          .where('expires_at', '>', p.now)
          .returningAll(),
      )
      .with('taken', (take) =>
        take
          .updateTable('variants')
          .from('reservation_items')
          .set((eb) => ({
            stock_on_hand: eb('variants.stock_on_hand', '-', eb.ref('reservation_items.quantity')),
            reserved: eb('variants.reserved', '-', eb.ref('reservation_items.quantity')),
            updated_at: p.now,
          }))
          .whereRef('variants.id', '=', 'reservation_items.variant_id')
          .where('reservation_items.reservation_id', 'in', (eb) => eb.selectFrom('claimed').select('claimed.id'))
          .where('variants.id', 'in', (eb) =>
            eb
              .selectFrom('variants as locked')
              .select('locked.id')
              .where('locked.id', 'in', (inner) =>
                inner.selectFrom('reservation_items as held').innerJoin('claimed', 'claimed.id', 'held.reservation_id').select('held.variant_id'),
              )
              .orderBy('locked.id')
              .forUpdate(),
          )
          .returning(['variants.id', 'variants.product_id', 'variants.store_id', 'variants.stock_on_hand', 'variants.reserved']),
      )
      .selectFrom('claimed')
      .selectAll('claimed')
      .select((eb) => [
        jsonArrayFrom(
          eb
            .selectFrom('reservation_items')
            .selectAll('reservation_items')
            .whereRef('reservation_items.reservation_id', '=', 'claimed.id')
            .orderBy('reservation_items.variant_id'),
        ).as('items'),
        jsonArrayFrom(eb.selectFrom('taken').selectAll('taken').orderBy('taken.id')).as('taken'),
      ]) as never,
});

/** A variant can be reserved while its product is active and its store is not suspended. */
export function sellable(selectFrom: ExpressionBuilder<InventoryDatabase, 'variants'>['selectFrom']) {
  return selectFrom('products')
    .select('products.id')
    .whereRef('products.id', '=', 'variants.product_id')
    .where('products.status', '=', 'active')
    .where(({ not, exists, selectFrom: from }) =>
      not(
        exists(
          from('store_status')
            .select('store_status.store_id')
            .whereRef('store_status.store_id', '=', 'products.store_id')
            .where('store_status.suspended', '=', true),
        ),
      ),
    );
}

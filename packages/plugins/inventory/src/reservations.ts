import type { InventoryComponents } from '@tokobapak/sdk';
import { isProblemError, newId } from '@tokobapak/server';
import type { Kysely } from 'kysely';
import type { InventoryDatabase } from './database.js';
import { inventoryErrors } from './errors.js';
import { availableOf, type ReservationItemRow, type ReservationRow, toReservation } from './mappers.js';
import type { Transact } from './products.js';
import { claimForCommit, insertReservation, sellable } from './reservation-statements.js';
import { publishStockChanged, refreshSoldOut, stockChangedEvent, type Tx } from './stock.js';
import { takeVariants } from './stock-writes.js';

type Schemas = InventoryComponents['schemas'];
type Db = Kysely<InventoryDatabase>;

/** What the reservation operations need from a handler's (or a scheduled job's) context. */
export interface ReservationContext {
  db: Db;
  transaction: Transact;
}

/**
 * Reserves every item or none, in one transaction. The variants are taken with one conditional
 * update (`reserved + q` only where `stock_on_hand - reserved >= q`) that locks them in variant id
 * order (`reserveVariants`), so concurrent reservations can never hold more than the stock and
 * never deadlock each other. The reference is unique: reserving again with it returns the
 * reservation it made.
 */
export async function reserveStock(ctx: ReservationContext, input: Schemas['ReservationInput'], now: Date): Promise<Schemas['Reservation']> {
  try {
    return await reserveOnce(ctx, input, now);
  } catch (error) {
    // Stock held by reservations past their time comes back when they are swept (a job, every 30 s
    // by default). Sweeping before every reservation cost every checkout a statement to find
    // nothing; a reservation refused for stock sweeps and tries once more instead, so a hold past
    // its time still never refuses a shopper.
    if (!(isProblemError(error) && error.code === 'INVENTORY_INSUFFICIENT_STOCK') || (await sweepExpired(ctx, now)) === 0) throw error;
    return reserveOnce(ctx, input, now);
  }
}

async function reserveOnce(ctx: ReservationContext, input: Schemas['ReservationInput'], now: Date): Promise<Schemas['Reservation']> {
  const items = mergeItems(input.items);
  return ctx.transaction(async (tx) => {
    // No look for the reference first: the insert finds it (and waits for a concurrent first call).
    // The row, the variants' stock and the items go in one statement (see `insertReservation`).
    const expiresAt = new Date(now.getTime() + (input.ttlSeconds ?? 900) * 1000);
    const reservation = { id: newId('res'), reference: input.reference, status: 'active' as const, expires_at: expiresAt, created_at: now, updated_at: now };
    const { inserted, taken: written } = await insertReservation(tx.db, { id: reservation.id, reference: reservation.reference, expiresAt, now }, items);
    if (!inserted) {
      // The reference was reserved before, or by a concurrent call that committed first (this insert waited for it).
      const winner = await findByReference(tx.db, input.reference);
      if (!winner) throw new Error(`reservation ${input.reference} conflicted but cannot be read`);
      return sameItemsOrRefuse(tx.db, winner, items);
    }

    const short: Array<{ index: number; variantId: string; available: number }> = [];
    const missing: string[] = [];
    const taken = [];
    // Only the items the statement could not take are looked at.
    const reserved = new Map(written.map((row) => [row.id, row]));
    for (const item of items) {
      const row = reserved.get(item.variantId);
      if (row) {
        taken.push({ row, quantity: item.quantity });
        continue;
      }
      const variant = await tx.db.selectFrom('variants').select(['stock_on_hand', 'reserved']).where('id', '=', item.variantId).executeTakeFirst();
      if (!variant) {
        missing.push(item.variantId);
        continue;
      }
      const onSale = await tx.db
        .selectFrom('variants')
        .select('id')
        .where('id', '=', item.variantId)
        .where(({ exists, selectFrom }) => exists(sellable(selectFrom)))
        .executeTakeFirst();
      short.push({ index: item.index, variantId: item.variantId, available: onSale ? Math.max(0, availableOf(variant)) : 0 });
    }
    // Throwing rolls back the reservation row and every update above: all items or none.
    if (missing.length > 0) throw inventoryErrors.INVENTORY_VARIANT_NOT_FOUND(`No such variant: ${missing.join(', ')}`);
    if (short.length > 0) {
      throw inventoryErrors.INVENTORY_INSUFFICIENT_STOCK({
        detail: `Not enough stock for ${short.map((item) => item.variantId).join(', ')}`,
        errors: short.map((item) => ({ pointer: `#/items/${item.index}/quantity`, message: `${item.variantId}: ${item.available} available` })),
      });
    }
    // Stored by the statement that took them (`reserveVariants`).
    const stored = taken.map(({ row, quantity }) => ({
      reservation_id: reservation.id,
      variant_id: row.id,
      product_id: row.product_id,
      store_id: row.store_id,
      quantity,
    }));
    await tx.publishMany(taken.map(({ row }) => stockChangedEvent(row)));
    // Reserving only lowers what is available: a product with a variant that still has some left
    // after this reservation was in stock before it and still is, so its flag cannot flip.
    const stillInStock = new Set(taken.filter(({ row }) => availableOf(row) > 0).map(({ row }) => row.product_id));
    await refreshSoldOut(
      tx,
      taken.map(({ row }) => row.product_id).filter((productId) => !stillInStock.has(productId)),
    );
    // Answered from what was just written (the items are in variant id order, as `itemsOf` reads them).
    return toReservation(reservation, stored);
  });
}

/** Turns an active reservation into a sale: the quantities leave the stock on hand. Committing twice changes nothing. */
export async function commitReservation(ctx: ReservationContext, reservationId: string, now: Date): Promise<Schemas['Reservation']> {
  const committed = await ctx.transaction(async (tx) => {
    const claimed = await claimForCommit(tx.db, reservationId, now);
    if (claimed) {
      const { items, taken, ...reservation } = claimed;
      await tx.publishMany(taken.map(stockChangedEvent));
      return toReservation(reservation, items);
    }
    const reservation = await lockReservation(tx.db, reservationId);
    if (reservation.status === 'committed') return readReservation(tx.db, reservationId);
    // An expired reservation must not be sold: it is released here, as the sweep would, and refused
    // below (once that release has committed).
    if (reservation.status === 'active' && new Date(reservation.expires_at) <= now) {
      await returnStock(tx, reservationId, 'expired', now);
      return 'expired' as const;
    }
    if (reservation.status !== 'active') throw inventoryErrors.INVENTORY_RESERVATION_NOT_ACTIVE(`The reservation is ${reservation.status}`);
    // Unreachable in practice (an active reservation not yet due is claimed above), kept so that
    // the decision never depends on which of the two reads saw the row.
    const items = await itemsOf(tx.db, reservationId);
    await takeFromStock(tx, items, now);
    await tx.db.updateTable('reservations').set({ status: 'committed', updated_at: now }).where('id', '=', reservationId).execute();
    return toReservation({ ...reservation, status: 'committed', updated_at: now }, items);
  });
  if (committed === 'expired') throw inventoryErrors.INVENTORY_RESERVATION_NOT_ACTIVE('The reservation is expired');
  return committed;
}

/**
 * A committed reservation's quantities leave the stock on hand, every variant in one statement that
 * locks them in variant id order (the lock order of reserving). No sold-out flag to bring in step:
 * the held quantities leave the stock on hand and the reserved count alike, so what is available
 * (their difference) does not change.
 */
async function takeFromStock(tx: Tx, items: ReservationItemRow[], now: Date): Promise<void> {
  const changed = await takeVariants(
    tx.db,
    items.map((item) => ({ variantId: item.variant_id, quantity: item.quantity })),
    now,
  );
  await tx.publishMany(changed.map(stockChangedEvent));
}

/** Gives an active reservation's stock back. Releasing a released or expired one changes nothing. */
export async function releaseReservation(ctx: ReservationContext, reservationId: string, now: Date): Promise<Schemas['Reservation']> {
  return ctx.transaction(async (tx) => {
    const reservation = await lockReservation(tx.db, reservationId);
    if (reservation.status === 'released' || reservation.status === 'expired') return readReservation(tx.db, reservationId);
    if (reservation.status === 'committed') throw inventoryErrors.INVENTORY_RESERVATION_NOT_ACTIVE('The reservation is committed');
    await returnStock(tx, reservationId, 'released', now);
    return readReservation(tx.db, reservationId);
  });
}

/**
 * Releases every active reservation whose time is up (`expires_at <= now`), each in its own
 * transaction, and returns how many it released. Runs on a timer and before each reservation.
 */
export async function sweepExpired(ctx: ReservationContext, now: Date): Promise<number> {
  let released = 0;
  for (;;) {
    const due = await ctx.db
      .selectFrom('reservations')
      .select('id')
      .where('status', '=', 'active')
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .limit(100)
      .execute();
    for (const { id } of due) {
      const done = await ctx.transaction(async (tx) => {
        // Re-checked under the lock: a commit or release may have got there first.
        const row = await tx.db.selectFrom('reservations').select(['status', 'expires_at']).where('id', '=', id).forUpdate().executeTakeFirst();
        if (row?.status !== 'active' || new Date(row.expires_at) > now) return false;
        await returnStock(tx, id, 'expired', now);
        return true;
      });
      if (done) released += 1;
    }
    if (due.length < 100) return released;
  }
}

async function returnStock(tx: Tx, reservationId: string, status: 'released' | 'expired', now: Date): Promise<void> {
  const items = await itemsOf(tx.db, reservationId);
  for (const item of items) {
    const row = await tx.db
      .updateTable('variants')
      .set((eb) => ({ reserved: eb('reserved', '-', item.quantity), updated_at: now }))
      .where('id', '=', item.variant_id)
      .returningAll()
      .executeTakeFirst();
    if (row) await publishStockChanged(tx, row);
  }
  await tx.db.updateTable('reservations').set({ status, updated_at: now }).where('id', '=', reservationId).execute();
  await refreshSoldOut(
    tx,
    items.map((item) => item.product_id),
  );
}

/** Items with duplicates added up, in variant id order (the lock order), each with its first index in the request. */
function mergeItems(items: Schemas['ReservationInput']['items']): Array<{ variantId: string; quantity: number; index: number }> {
  const merged = new Map<string, { variantId: string; quantity: number; index: number }>();
  items.forEach((item, index) => {
    const seen = merged.get(item.variantId);
    if (seen) seen.quantity += item.quantity;
    else merged.set(item.variantId, { variantId: item.variantId, quantity: item.quantity, index });
  });
  return [...merged.values()].sort((a, b) => (a.variantId < b.variantId ? -1 : a.variantId > b.variantId ? 1 : 0));
}

async function sameItemsOrRefuse(db: Db, existing: ReservationRow, items: Array<{ variantId: string; quantity: number }>): Promise<Schemas['Reservation']> {
  const stored = await itemsOf(db, existing.id);
  const same =
    stored.length === items.length && items.every((item) => stored.some((row) => row.variant_id === item.variantId && row.quantity === item.quantity));
  if (!same) throw inventoryErrors.INVENTORY_RESERVATION_MISMATCH(`Reference ${existing.reference} already reserved other items`);
  return toReservation(existing, stored);
}

async function findByReference(db: Db, reference: string): Promise<ReservationRow | undefined> {
  return db.selectFrom('reservations').selectAll().where('reference', '=', reference).executeTakeFirst();
}

async function lockReservation(db: Db, reservationId: string): Promise<ReservationRow> {
  const row = await db.selectFrom('reservations').selectAll().where('id', '=', reservationId).forUpdate().executeTakeFirst();
  if (!row) throw inventoryErrors.INVENTORY_RESERVATION_NOT_FOUND();
  return row;
}

async function itemsOf(db: Db, reservationId: string) {
  return db.selectFrom('reservation_items').selectAll().where('reservation_id', '=', reservationId).orderBy('variant_id').execute();
}

async function readReservation(db: Db, reservationId: string): Promise<Schemas['Reservation']> {
  const row = await db.selectFrom('reservations').selectAll().where('id', '=', reservationId).executeTakeFirstOrThrow();
  return toReservation(row, await itemsOf(db, reservationId));
}

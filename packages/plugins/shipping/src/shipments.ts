import { eventTypes, type ShippingComponents } from '@tokobapak/sdk';
import { type Caller, decodeCursorMatching, newId, type Page, type PluginContext, type TxContext, toPage } from '@tokobapak/server';
import type { Kysely } from 'kysely';
import type { ShipmentStatus, ShippingDatabase, StatusSource } from './database.js';
import { shippingErrors } from './errors.js';
import type { ShippingEvents } from './generated/manifest.js';
import { type HistoryRow, type ShipmentRow, shipmentUpdated, toShipment } from './mappers.js';
import { type Providers, providerNamed } from './providers/index.js';
import type { CarrierUpdate } from './providers/types.js';
import { parcelWeight, samePostalCode } from './quotes.js';
import { readSettings } from './settings.js';
import { movesForward } from './status.js';

type Schemas = ShippingComponents['schemas'];
type Db = Kysely<ShippingDatabase>;
type Tx = TxContext<ShippingDatabase, ShippingEvents>;
/** What the shipment functions use of the plugin's context. */
export type ShippingContext = Pick<PluginContext<ShippingDatabase, ShippingEvents>, 'db' | 'transaction'>;

/** A booking older than this is taken to have died with its server, and is started again by the next call. */
const BOOKING_LEASE_MS = 30_000;
/** How long a call waits for the same reference's booking by another call to finish. */
const WAIT_FOR_BOOKING_MS = 10_000;

/**
 * Books the order's parcel with the quote's provider, once per reference. A claim row (no
 * `booked_at`) is inserted first, so that of concurrent calls one books and the others wait for
 * its result; the provider is called outside any transaction, and a refusal removes the claim.
 */
export async function createShipment(
  ctx: ShippingContext,
  providers: Providers,
  input: Schemas['ShipmentInput'],
  now: Date,
  shipmentQuoteMs: number,
): Promise<Schemas['Shipment']> {
  const waitUntil = Date.now() + WAIT_FOR_BOOKING_MS;
  for (;;) {
    const existing = await ctx.db.selectFrom('shipments').selectAll().where('reference', '=', input.reference).executeTakeFirst();
    if (existing) {
      if (existing.store_id !== input.storeId || existing.quote_id !== input.optionId) {
        throw shippingErrors.SHIPPING_REFERENCE_CONFLICT({ detail: `Reference ${input.reference} already has a shipment` });
      }
      if (existing.booked_at !== null) return withHistory(ctx.db, existing);
      const stale = existing.booking_started_at.getTime() + BOOKING_LEASE_MS <= now.getTime();
      if (stale && (await reclaim(ctx.db, existing, now))) return book(ctx, providers, existing, now);
      if (Date.now() >= waitUntil) throw shippingErrors.SHIPPING_BOOKING_IN_PROGRESS();
      await new Promise((resolve) => setTimeout(resolve, 25));
      continue;
    }
    const claim = await claimReference(ctx.db, input, now, shipmentQuoteMs);
    if (claim) return book(ctx, providers, claim, now);
  }
}

/** Checks the quote against the parcel and inserts the claim; undefined when another call claimed the reference first. */
async function claimReference(db: Db, input: Schemas['ShipmentInput'], now: Date, shipmentQuoteMs: number): Promise<ShipmentRow | undefined> {
  const quote = await db.selectFrom('quotes').selectAll().where('id', '=', input.optionId).executeTakeFirst();
  if (!quote || quote.store_id !== input.storeId) throw shippingErrors.SHIPPING_QUOTE_NOT_FOUND();
  if (quote.created_at.getTime() + shipmentQuoteMs <= now.getTime()) {
    throw shippingErrors.SHIPPING_QUOTE_EXPIRED({ detail: 'The option was quoted too long ago to be shipped' });
  }
  const weight = parcelWeight(input.items);
  if (!samePostalCode(quote.postal_code, input.destination.postalCode)) {
    throw shippingErrors.SHIPPING_QUOTE_MISMATCH({
      detail: `The option was quoted for postal code ${quote.postal_code}`,
      errors: [{ pointer: '#/destination/postalCode', message: `must be ${quote.postal_code}, as quoted` }],
    });
  }
  if (weight > Number(quote.weight)) {
    throw shippingErrors.SHIPPING_QUOTE_MISMATCH({
      detail: `The parcel weighs ${weight} g; the option was quoted for ${quote.weight} g`,
      errors: [{ pointer: '#/items', message: `must weigh at most ${quote.weight} g in all` }],
    });
  }
  return db
    .insertInto('shipments')
    .values({
      id: newId('shp', now.getTime()),
      reference: input.reference,
      store_id: input.storeId,
      customer_id: input.customerId,
      quote_id: quote.id,
      provider: quote.provider,
      service: quote.service,
      name: quote.name,
      amount: Number(quote.amount),
      currency: quote.currency,
      destination: JSON.stringify(input.destination),
      items: JSON.stringify(input.items),
      weight,
      status: 'pending',
      carrier_data: JSON.stringify(quote.carrier_data),
      booking_started_at: now,
      created_at: now,
      updated_at: now,
    })
    .onConflict((conflict) => conflict.column('reference').doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Takes over a claim whose booking stalled; false when another call took it first. */
async function reclaim(db: Db, claim: ShipmentRow, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('shipments')
    .set({ booking_started_at: now })
    .where('id', '=', claim.id)
    .where('booked_at', 'is', null)
    .where('booking_started_at', '=', claim.booking_started_at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

async function book(ctx: ShippingContext, providers: Providers, claim: ShipmentRow, now: Date): Promise<Schemas['Shipment']> {
  let booking: Awaited<ReturnType<NonNullable<Providers['biteship']>['book']>>;
  try {
    const provider = providerNamed(providers, claim.provider);
    if (!provider) throw shippingErrors.SHIPPING_CARRIER_REJECTED({ detail: `This server no longer ships with ${claim.provider}` });
    const settings = await readSettings(ctx.db, claim.store_id);
    booking = await provider.book(
      {
        shipmentId: claim.id,
        reference: claim.reference,
        service: claim.service,
        carrierData: claim.carrier_data,
        destination: claim.destination,
        items: claim.items,
        weight: Number(claim.weight),
      },
      settings,
    );
  } catch (error) {
    // Nothing was booked (or the carrier will not say so): the next call starts afresh.
    await ctx.db.deleteFrom('shipments').where('id', '=', claim.id).where('booked_at', 'is', null).execute();
    throw error;
  }
  return ctx.transaction(async (tx) => {
    const row = await tx.db
      .updateTable('shipments')
      .set({
        status: booking.status,
        tracking_number: booking.trackingNumber,
        tracking_url: booking.trackingUrl,
        carrier_reference: booking.carrierReference,
        carrier_data: JSON.stringify({ ...claim.carrier_data, ...booking.carrierData }),
        booked_at: now,
        updated_at: now,
      })
      .where('id', '=', claim.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChange(tx, row, null, 'Booked', 'system', now);
    return withHistory(tx.db, row);
  });
}

/** Writes a history entry and publishes `shipping.shipment-updated` for the shipment as it now is. */
async function recordChange(tx: Tx, row: ShipmentRow, previous: ShipmentStatus | null, note: string | null, source: StatusSource, now: Date): Promise<void> {
  if (previous !== row.status) {
    await tx.db.insertInto('shipment_history').values({ shipment_id: row.id, status: row.status, note, source, at: now }).execute();
  }
  await tx.publish({ type: eventTypes.shipping.shipmentUpdated, subject: row.id, data: shipmentUpdated(row, previous, now) });
}

async function withHistory(db: Db, row: ShipmentRow): Promise<Schemas['Shipment']> {
  const history = await db.selectFrom('shipment_history').selectAll().where('shipment_id', '=', row.id).orderBy('id').execute();
  return toShipment(row, history);
}

/**
 * A shipment the caller may read: another service; the store it belongs to (a session in it or
 * its API key); or the order's customer. Anyone else, like a missing shipment, gets 404.
 */
export async function readableShipment(db: Db, caller: Caller, shipmentId: string): Promise<ShipmentRow> {
  const row = await db.selectFrom('shipments').selectAll().where('id', '=', shipmentId).where('booked_at', 'is not', null).executeTakeFirst();
  if (!row || !mayRead(caller, row)) throw shippingErrors.SHIPPING_SHIPMENT_NOT_FOUND();
  return row;
}

function mayRead(caller: Caller, row: ShipmentRow): boolean {
  switch (caller.kind) {
    case 'service':
      return true;
    case 'apiKey':
      return caller.storeId === row.store_id;
    case 'user':
      return caller.storeId === row.store_id || (row.customer_id !== null && caller.userId === row.customer_id);
    default:
      return false;
  }
}

/** A shipment with its history, for a caller allowed to read it. */
export async function getShipment(db: Db, caller: Caller, shipmentId: string): Promise<Schemas['Shipment']> {
  return withHistory(db, await readableShipment(db, caller, shipmentId));
}

/** One page of a store's shipments, newest first. */
export async function listStoreShipments(
  db: Db,
  storeId: string,
  query: { status?: ShipmentStatus | undefined; cursor?: string | undefined; limit?: number | undefined },
): Promise<Page<Schemas['Shipment']>> {
  const limit = query.limit ?? 20;
  const after = decodeCursorMatching(query.cursor, /^shp_[0-9a-z]{26}$/);
  let select = db.selectFrom('shipments').selectAll().where('store_id', '=', storeId).where('booked_at', 'is not', null);
  if (query.status !== undefined) select = select.where('status', '=', query.status);
  if (after !== undefined) select = select.where('id', '<', after);
  const rows = await select
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const ids = rows.slice(0, limit).map((row) => row.id);
  const history = ids.length === 0 ? [] : await db.selectFrom('shipment_history').selectAll().where('shipment_id', 'in', ids).orderBy('id').execute();
  const byShipment = new Map<string, HistoryRow[]>();
  for (const entry of history) byShipment.set(entry.shipment_id, [...(byShipment.get(entry.shipment_id) ?? []), entry]);
  return toPage(
    rows,
    limit,
    (row) => row.id,
    (row) => toShipment(row, byShipment.get(row.id) ?? []),
  );
}

/** The store records a status of a parcel it carries itself. */
export async function updateStatusByStore(
  ctx: ShippingContext,
  providers: Providers,
  storeId: string,
  shipmentId: string,
  input: Schemas['ShipmentStatusInput'],
  now: Date,
): Promise<Schemas['Shipment']> {
  return ctx.transaction(async (tx) => {
    const current = await tx.db
      .selectFrom('shipments')
      .selectAll()
      .where('id', '=', shipmentId)
      .where('store_id', '=', storeId)
      .where('booked_at', 'is not', null)
      .forUpdate()
      .executeTakeFirst();
    if (!current) throw shippingErrors.SHIPPING_SHIPMENT_NOT_FOUND();
    if (providerNamed(providers, current.provider)?.carrierManaged ?? current.carrier_reference !== null) {
      throw shippingErrors.SHIPPING_STATUS_MANAGED_BY_CARRIER();
    }
    if (!movesForward(current.status, input.status)) {
      throw shippingErrors.SHIPPING_STATUS_NOT_FORWARD({ detail: `The shipment is ${current.status}; it cannot become ${input.status}` });
    }
    const row = await tx.db
      .updateTable('shipments')
      .set({ status: input.status, tracking_number: input.trackingNumber ?? current.tracking_number, updated_at: now })
      .where('id', '=', current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChange(tx, row, current.status, input.note ?? null, 'store', now);
    return withHistory(tx.db, row);
  });
}

/**
 * Applies what a carrier said about one of its bookings. Only a status that moves the shipment
 * forward is applied, and the tracking number changes only when there was none or together with
 * such a status; so a replayed or late update changes nothing. False when nothing changed.
 */
export async function applyCarrierUpdate(ctx: ShippingContext, provider: string, update: CarrierUpdate, source: StatusSource, now: Date): Promise<boolean> {
  return ctx.transaction(async (tx) => {
    const current = await tx.db
      .selectFrom('shipments')
      .selectAll()
      .where('provider', '=', provider as ShipmentRow['provider'])
      .where('carrier_reference', '=', update.carrierReference)
      .forUpdate()
      .executeTakeFirst();
    if (!current) return false;
    const status = update.status !== null && movesForward(current.status, update.status) ? update.status : null;
    const trackingNumber =
      update.trackingNumber !== null && update.trackingNumber !== current.tracking_number && (current.tracking_number === null || status !== null)
        ? update.trackingNumber
        : null;
    if (status === null && trackingNumber === null) return false;
    const row = await tx.db
      .updateTable('shipments')
      .set({
        status: status ?? current.status,
        tracking_number: trackingNumber ?? current.tracking_number,
        tracking_url: update.trackingUrl ?? current.tracking_url,
        updated_at: now,
      })
      .where('id', '=', current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChange(tx, row, current.status, update.note, source, now);
    return true;
  });
}

import { readFile } from 'node:fs/promises';
import type { ShippingComponents } from '@tokobapak/sdk';
import { CliError } from './errors.js';
import { shippingVariables } from './shipping-environment.js';
import { type Connection, callApi, storeClient } from './store-connection.js';

type Schemas = ShippingComponents['schemas'];
/** A store's shipping settings as the shipping service returns them. */
export type ShippingSettings = Schemas['ShippingSettings'];
type SettingsInput = Schemas['ShippingSettingsInput'];
/** A shipment with its history. */
export type Shipment = Schemas['Shipment'];
export type ShipmentStatus = Shipment['status'];

const STATUSES: ShipmentStatus[] = ['pending', 'picked_up', 'in_transit', 'delivered', 'returned', 'cancelled'];

/** What `shipping settings set` changes, read from its flags (undefined: left as it is). */
export interface SettingsChange {
  /** A JSON file (absolute path) with the whole settings, replacing the store's before the other flags apply. */
  file?: string;
  currency?: string;
  flatRate?: number | 'off';
  flatRateName?: string;
  weightTable?: Array<{ upToGrams: number; amount: number }> | 'off';
  weightTableName?: string;
  biteship?: string[] | 'off';
  biteshipOrigin?: NonNullable<SettingsInput['biteship']>['origin'];
  quoteTtlSeconds?: number;
}

const invalid = (variable: { flag: string; name: string }, message: string) =>
  new CliError('CLI_INVALID_VALUE', `${variable.flag.split(' ')[0]} / ${variable.name} ${message}`);

const WHOLE = /^(0|[1-9][0-9]{0,15})$/;

/** `--flat-rate 15000` or `off`. */
export function parseFlatRate(raw: string): number | 'off' {
  if (raw.trim().toLowerCase() === 'off') return 'off';
  if (!WHOLE.test(raw.trim())) throw invalid(shippingVariables.flatRate, `takes an amount in minor units (15000) or off, got "${raw}"`);
  return Number(raw.trim());
}

/** `--weight-table 1000:10000,5000:22000` or `off`. */
export function parseWeightTable(raw: string): Array<{ upToGrams: number; amount: number }> | 'off' {
  if (raw.trim().toLowerCase() === 'off') return 'off';
  const brackets = raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const match = /^([1-9][0-9]{0,8}):(0|[1-9][0-9]{0,15})$/.exec(part);
      if (!match) throw invalid(shippingVariables.weightTable, `takes upToGrams:amount pairs (1000:10000,5000:22000) or off, got "${part}"`);
      return { upToGrams: Number(match[1]), amount: Number(match[2]) };
    });
  if (brackets.length === 0) throw invalid(shippingVariables.weightTable, 'names no bracket');
  return brackets;
}

/** `--biteship jne,sicepat` or `off`. */
export function parseCouriers(raw: string): string[] | 'off' {
  if (raw.trim().toLowerCase() === 'off') return 'off';
  const couriers = raw
    .split(',')
    .map((part) => part.trim().toLowerCase())
    .filter(Boolean);
  if (couriers.length === 0) throw invalid(shippingVariables.biteship, 'names no courier');
  return couriers;
}

/** `--biteship-origin '{"postalCode":…}'`. */
export function parseOrigin(raw: string): SettingsChange['biteshipOrigin'] {
  let origin: unknown;
  try {
    origin = JSON.parse(raw);
  } catch {
    throw invalid(shippingVariables.biteshipOrigin, 'is not JSON');
  }
  if (typeof origin !== 'object' || origin === null || Array.isArray(origin)) throw invalid(shippingVariables.biteshipOrigin, 'must be a JSON object');
  return origin as SettingsChange['biteshipOrigin'];
}

/** `--quote-ttl 1800`. */
export function parseQuoteTtl(raw: string): number {
  if (!WHOLE.test(raw.trim())) throw invalid(shippingVariables.quoteTtl, `takes whole seconds, got "${raw}"`);
  return Number(raw.trim());
}

/** Checks `--status` before the API would refuse it less helpfully. */
export function shipmentStatus(value: string | undefined): ShipmentStatus | undefined {
  if (value === undefined) return undefined;
  if ((STATUSES as string[]).includes(value)) return value as ShipmentStatus;
  throw invalid(shippingVariables.shipmentStatus, `must be one of ${STATUSES.join(', ')}, got "${value}"`);
}

/** The store's settings (the defaults, every provider off, for a store that never saved any). */
export async function showSettings(connection: Connection): Promise<ShippingSettings> {
  const client = await storeClient(connection);
  return callApi(connection, () => client.shipping.getShippingSettings({}));
}

/** The settings the store had, or those of `--file`, as the API takes them. */
async function baseSettings(connection: Connection, change: SettingsChange): Promise<SettingsInput> {
  if (change.file !== undefined) {
    let text: string;
    try {
      text = await readFile(change.file, 'utf8');
    } catch (error) {
      throw new CliError('CLI_INVALID_VALUE', `Cannot read ${change.file}: ${(error as Error).message}`);
    }
    try {
      let parsed = JSON.parse(text) as Record<string, unknown>;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      // `settings show --json` prints `{ settings }`.
      if (typeof parsed.settings === 'object' && parsed.settings !== null) parsed = parsed.settings as Record<string, unknown>;
      // A file saved from `shipping settings show --json` carries what the API answers, not what it takes.
      const { storeId: _storeId, updatedAt: _updatedAt, ...input } = parsed;
      return input as unknown as SettingsInput;
    } catch (error) {
      throw new CliError('CLI_INVALID_VALUE', `${change.file} is not a JSON object of shipping settings (${(error as Error).message})`);
    }
  }
  const { storeId: _storeId, updatedAt: _updatedAt, ...current } = await showSettings(connection);
  return current;
}

/** The settings with the flags applied: a provider's other fields (zones, days) are kept. */
export function applyChange(base: SettingsInput, change: SettingsChange): SettingsInput {
  const next: SettingsInput = { ...base };
  if (change.currency !== undefined) next.currency = change.currency.toUpperCase();
  if (change.quoteTtlSeconds !== undefined) next.quoteTtlSeconds = change.quoteTtlSeconds;
  if (change.flatRate === 'off') next.flatRate = null;
  else if (change.flatRate !== undefined || change.flatRateName !== undefined) {
    const amount = change.flatRate ?? base.flatRate?.amount;
    if (amount === undefined) throw invalid(shippingVariables.flatRate, 'is needed to turn flat-rate shipping on');
    next.flatRate = { ...base.flatRate, name: change.flatRateName ?? base.flatRate?.name ?? 'Flat rate', amount };
  }
  if (change.weightTable === 'off') next.weightTable = null;
  else if (change.weightTable !== undefined || change.weightTableName !== undefined) {
    const brackets = change.weightTable ?? base.weightTable?.brackets;
    if (brackets === undefined) throw invalid(shippingVariables.weightTable, 'is needed to turn weight-table shipping on');
    next.weightTable = { ...base.weightTable, name: change.weightTableName ?? base.weightTable?.name ?? 'By weight', brackets };
  }
  if (change.biteship === 'off') next.biteship = null;
  else if (change.biteship !== undefined || change.biteshipOrigin !== undefined) {
    const couriers = change.biteship ?? base.biteship?.couriers;
    const origin = change.biteshipOrigin ?? base.biteship?.origin;
    if (couriers === undefined) throw invalid(shippingVariables.biteship, 'is needed to turn Biteship on');
    if (origin === undefined) throw invalid(shippingVariables.biteshipOrigin, 'is needed to turn Biteship on');
    next.biteship = { couriers, origin };
  }
  return next;
}

/** Replaces the store's settings with its current ones (or `--file`'s) changed by the flags. */
export async function setSettings(connection: Connection, change: SettingsChange): Promise<ShippingSettings> {
  const body = applyChange(await baseSettings(connection, change), change);
  const client = await storeClient(connection);
  return callApi(connection, () => client.shipping.updateShippingSettings({ body }));
}

/** Every shipment of the store, newest first, following the cursor to the last page. */
export async function listShipments(connection: Connection, status: ShipmentStatus | undefined): Promise<Shipment[]> {
  const client = await storeClient(connection);
  const shipments: Shipment[] = [];
  await callApi(connection, async () => {
    for await (const shipment of client.shipping.listStoreShipments.iterate({ query: { ...(status ? { status } : {}), limit: 100 } })) {
      shipments.push(shipment);
    }
  });
  return shipments;
}

/** One shipment of the store with its history; `track` asks the carrier first. */
export async function showShipment(connection: Connection, shipmentId: string, track: boolean): Promise<Shipment> {
  const client = await storeClient(connection);
  return callApi(connection, () =>
    track ? client.shipping.trackShipment({ params: { shipmentId } }) : client.shipping.getShipment({ params: { shipmentId } }),
  );
}

/** Moves a shipment the store sends itself forward. */
export async function updateShipment(
  connection: Connection,
  shipmentId: string,
  update: { status: Schemas['ShipmentStatusInput']['status']; note?: string | undefined; trackingNumber?: string | undefined },
): Promise<Shipment> {
  const client = await storeClient(connection);
  const body = Object.fromEntries(Object.entries(update).filter(([, value]) => value !== undefined)) as Schemas['ShipmentStatusInput'];
  return callApi(connection, () => client.shipping.updateShipmentStatus({ params: { shipmentId }, body }));
}

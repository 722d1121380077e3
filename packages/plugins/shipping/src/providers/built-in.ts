import { randomBytes } from 'node:crypto';
import type { Booking, Rate, ShippingProvider } from './types.js';
import { matchZone } from './zones.js';

/** The store hands parcels to a courier itself: the tracking number is ours until the store gives the courier's. */
async function bookLocally(): Promise<Booking> {
  return {
    status: 'pending',
    trackingNumber: `TB${randomBytes(6).toString('hex').toUpperCase()}`,
    trackingUrl: null,
    carrierReference: null,
    carrierData: {},
  };
}

/** One amount per parcel, or the amount of the destination's zone. */
export const flatRateProvider: ShippingProvider = {
  name: 'flat-rate',
  carrierManaged: false,
  async rates(request, settings): Promise<Rate[]> {
    const flat = settings.flatRate;
    if (!flat) return [];
    const zone = matchZone(flat.zones, request.destination);
    return [{ service: 'standard', name: flat.name, amount: zone?.amount ?? flat.amount, estimatedDays: flat.estimatedDays ?? null, carrierData: {} }];
  },
  book: bookLocally,
};

/** The amount of the first weight bracket the parcel fits in (the zone's brackets when it has a zone); none when it is heavier than every bracket. */
export const weightTableProvider: ShippingProvider = {
  name: 'weight-table',
  carrierManaged: false,
  async rates(request, settings): Promise<Rate[]> {
    const table = settings.weightTable;
    if (!table) return [];
    const brackets = matchZone(table.zones, request.destination)?.brackets ?? table.brackets;
    const bracket = brackets.find((candidate) => request.weight <= candidate.upToGrams);
    if (!bracket) return [];
    return [{ service: 'standard', name: table.name, amount: bracket.amount, estimatedDays: table.estimatedDays ?? null, carrierData: {} }];
  },
  book: bookLocally,
};

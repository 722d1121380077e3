import type { ShippingComponents } from '@tokobapak/sdk';
import type { ProviderName, ShipmentStatus, StoredDestination, StoredItem } from '../database.js';

/** A store's shipping settings, as the spec shapes them. */
export type StoreShippingSettings = ShippingComponents['schemas']['ShippingSettings'];

/** What a provider is asked to price: one store's parcel to one destination. */
export interface RateRequest {
  destination: StoredDestination;
  items: StoredItem[];
  /** Total grams (weight × quantity over the items). */
  weight: number;
  currency: string;
}

/** One option a provider offers, before it is stored as a quote. */
export interface Rate {
  service: string;
  name: string;
  amount: number;
  estimatedDays: { min: number; max: number } | null;
  /** What booking this option needs later (a carrier's company and service codes). */
  carrierData: Record<string, unknown>;
}

/** What a provider is asked to book: a parcel with the option quoted for it. */
export interface BookingRequest {
  shipmentId: string;
  reference: string;
  service: string;
  carrierData: Record<string, unknown>;
  destination: StoredDestination;
  items: StoredItem[];
  weight: number;
}

/** A booked parcel. */
export interface Booking {
  status: ShipmentStatus;
  trackingNumber: string | null;
  trackingUrl: string | null;
  /** The carrier's id of the booking, by which webhooks and polls name it; null for the built-in providers. */
  carrierReference: string | null;
  carrierData: Record<string, unknown>;
}

/** What a carrier says about one of its bookings (from a webhook or a poll). */
export interface CarrierUpdate {
  carrierReference: string;
  /** Null when the update is not about the status (a new waybill number, a price change). */
  status: ShipmentStatus | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  note: string | null;
}

/** An open carrier shipment, as polling hands it to its provider. */
export interface TrackedShipment {
  carrierReference: string;
  carrierData: Record<string, unknown>;
}

/**
 * A way to price and send parcels. The built-in providers compute rates from the store's settings
 * and leave status to the store; a carrier adapter asks the carrier, which reports status by
 * webhook and answers polls.
 */
export interface ShippingProvider {
  name: ProviderName;
  /** Whether a carrier reports this provider's statuses (then the store cannot set them). */
  carrierManaged: boolean;
  /** The options for a parcel; none when the store has not enabled the provider or it does not serve the destination. */
  rates(request: RateRequest, settings: StoreShippingSettings): Promise<Rate[]>;
  /** Books a parcel; throws a coded problem when the carrier refuses it or cannot be reached. */
  book(request: BookingRequest, settings: StoreShippingSettings): Promise<Booking>;
  /** Asks the carrier where a parcel is now. */
  track?(shipment: TrackedShipment): Promise<CarrierUpdate>;
  /** Checks and reads the carrier's webhooks. */
  webhook?: {
    /**
     * True for a payload the carrier sends unauthenticated to check the URL (it must answer 200 and
     * carries no update); nothing is applied for it.
     */
    isInstallationCheck?(body: unknown): boolean;
    /** True when the request carries the carrier's secret; compared in constant time. */
    authenticate(headers: Record<string, string | undefined>): boolean;
    /** The update in a payload, null for one that carries none (a test ping); throws `SHIPPING_WEBHOOK_INVALID` for a foreign one. */
    parse(body: unknown): CarrierUpdate | null;
  };
}

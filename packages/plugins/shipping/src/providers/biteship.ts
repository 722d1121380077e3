import { timingSafeEqual } from 'node:crypto';
import type { ShipmentStatus } from '../database.js';
import { shippingErrors } from '../errors.js';
import type { ShippingSettings } from '../options.js';
import type { Booking, CarrierUpdate, Rate, ShippingProvider } from './types.js';

type BiteshipConfig = NonNullable<ShippingSettings['biteship']>;

/**
 * The header Biteship sends with every webhook, carrying our secret. Biteship's dashboard takes a
 * webhook's "Signature Key" (a header name of our choosing) and "Signature Secret" (its value) and
 * sends that pair, verbatim, with each delivery: there is no signature over the body.
 */
export const BITESHIP_WEBHOOK_HEADER = 'x-biteship-webhook-secret';

/**
 * Biteship's order statuses, in our terms. Statuses before pickup are `pending`; a parcel on its way
 * back is still `in_transit` until Biteship says `returned`. Anything not listed changes nothing.
 */
const STATUSES: Record<string, ShipmentStatus> = {
  confirmed: 'pending',
  scheduled: 'pending',
  allocated: 'pending',
  picking_up: 'pending',
  picked: 'picked_up',
  dropping_off: 'in_transit',
  on_hold: 'in_transit',
  return_in_transit: 'in_transit',
  delivered: 'delivered',
  returned: 'returned',
  rejected: 'returned',
  cancelled: 'cancelled',
  courier_not_found: 'cancelled',
  disposed: 'cancelled',
};

/** Our status for one of Biteship's, or null for one we do not know. */
export function biteshipStatus(status: unknown): ShipmentStatus | null {
  return typeof status === 'string' ? (STATUSES[status.toLowerCase()] ?? null) : null;
}

/**
 * Carriers through the Biteship aggregator (api.biteship.com), on the marketplace's account: rates
 * from `POST /v1/rates/couriers`, bookings with `POST /v1/orders`, polls with `GET
 * /v1/trackings/{id}`, and its `order.status` / `order.waybill_id` webhooks.
 */
export function biteshipProvider(config: BiteshipConfig, fetchFn: typeof fetch): ShippingProvider {
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<Record<string, unknown>> => {
    let response: Response;
    try {
      response = await fetchFn(`${config.baseUrl}${path}`, {
        method,
        headers: { authorization: config.apiKey, 'content-type': 'application/json', accept: 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(config.timeoutMs),
      });
    } catch {
      throw shippingErrors.SHIPPING_CARRIER_UNAVAILABLE('Biteship could not be reached');
    }
    const payload = (await response.json().catch(() => null)) as Record<string, unknown> | null;
    if (response.status >= 500 || response.status === 429 || payload === null) {
      throw shippingErrors.SHIPPING_CARRIER_UNAVAILABLE(`Biteship answered ${response.status}`);
    }
    if (response.status >= 400 || payload.success === false) {
      // Biteship's own message names what it refused (an uncovered area, a missing field); it holds no secrets.
      const message = typeof payload.error === 'string' ? payload.error.slice(0, 300) : `status ${response.status}`;
      throw shippingErrors.SHIPPING_CARRIER_REJECTED(`Biteship refused: ${message}`);
    }
    return payload;
  };

  return {
    name: 'biteship',
    carrierManaged: true,

    async rates(request, settings): Promise<Rate[]> {
      const biteship = settings.biteship;
      // Biteship serves Indonesia, in rupiah, between numeric postal codes.
      if (!biteship || request.currency !== 'IDR' || (request.destination.countryCode ?? 'ID') !== 'ID') return [];
      if (!/^[0-9]{5}$/.test(request.destination.postalCode) || !/^[0-9]{5}$/.test(biteship.origin.postalCode)) return [];
      const payload = await call('POST', '/v1/rates/couriers', {
        origin_postal_code: Number(biteship.origin.postalCode),
        destination_postal_code: Number(request.destination.postalCode),
        couriers: biteship.couriers.join(','),
        items: request.items.map((item) => ({ name: item.name ?? 'Item', value: item.value ?? 0, quantity: item.quantity, weight: item.weight })),
      });
      const pricing = Array.isArray(payload.pricing) ? (payload.pricing as Array<Record<string, unknown>>) : [];
      return pricing.flatMap((entry): Rate[] => {
        const company = entry.courier_code;
        const type = entry.courier_service_code;
        const price = entry.price;
        if (typeof company !== 'string' || typeof type !== 'string' || !Number.isSafeInteger(price) || (price as number) < 0) return [];
        const name = [entry.courier_name, entry.courier_service_name].filter((part) => typeof part === 'string' && part.length > 0).join(' ');
        return [
          {
            service: `${company}:${type}`.slice(0, 100),
            name: (name || `${company} ${type}`).slice(0, 200),
            amount: price as number,
            estimatedDays: durationDays(entry.shipment_duration_range, entry.shipment_duration_unit),
            carrierData: { courierCompany: company, courierType: type },
          },
        ];
      });
    },

    async book(request, settings): Promise<Booking> {
      const biteship = settings.biteship;
      if (!biteship) throw shippingErrors.SHIPPING_CARRIER_REJECTED('The store no longer ships with Biteship');
      const { destination } = request;
      if (!destination.recipientName || !destination.phone || !destination.line1) {
        throw shippingErrors.SHIPPING_CARRIER_REJECTED({
          detail: 'A courier needs the recipient, their phone and the street address',
          errors: [{ pointer: '#/destination', message: 'must have recipientName, phone and line1' }],
        });
      }
      const payload = await call('POST', '/v1/orders', {
        shipper_contact_name: biteship.origin.contactName,
        shipper_contact_phone: biteship.origin.contactPhone,
        origin_contact_name: biteship.origin.contactName,
        origin_contact_phone: biteship.origin.contactPhone,
        origin_address: biteship.origin.address,
        origin_postal_code: Number(biteship.origin.postalCode),
        destination_contact_name: destination.recipientName,
        destination_contact_phone: destination.phone,
        destination_address: [destination.line1, destination.line2, destination.city, destination.region].filter(Boolean).join(', '),
        destination_postal_code: Number(destination.postalCode),
        courier_company: request.carrierData.courierCompany,
        courier_type: request.carrierData.courierType,
        delivery_type: 'now',
        reference_id: request.reference,
        items: request.items.map((item) => ({ name: item.name ?? 'Item', value: item.value ?? 0, quantity: item.quantity, weight: item.weight })),
      });
      const id = payload.id;
      if (typeof id !== 'string' || id.length === 0) throw shippingErrors.SHIPPING_CARRIER_UNAVAILABLE('Biteship answered without an order id');
      const courier = (payload.courier ?? {}) as Record<string, unknown>;
      return {
        status: biteshipStatus(payload.status) ?? 'pending',
        trackingNumber: text(courier.waybill_id, 100),
        trackingUrl: url(courier.link),
        carrierReference: id,
        carrierData: { trackingId: text(courier.tracking_id, 100) },
      };
    },

    async track(shipment): Promise<CarrierUpdate> {
      const trackingId = shipment.carrierData.trackingId;
      // Without a tracking id (not issued yet), the order itself says where the parcel is.
      const path =
        typeof trackingId === 'string' && trackingId.length > 0
          ? `/v1/trackings/${encodeURIComponent(trackingId)}`
          : `/v1/orders/${encodeURIComponent(shipment.carrierReference)}`;
      const payload = await call('GET', path);
      const courier = (payload.courier ?? {}) as Record<string, unknown>;
      const history = Array.isArray(payload.history) ? (payload.history as Array<Record<string, unknown>>) : [];
      return {
        carrierReference: shipment.carrierReference,
        status: biteshipStatus(payload.status),
        trackingNumber: text(payload.waybill_id, 100) ?? text(courier.waybill_id, 100),
        trackingUrl: url(payload.link) ?? url(courier.link),
        note: text(history[history.length - 1]?.note, 500),
      };
    },

    webhook: {
      // Saving a webhook in Biteship's dashboard first posts an empty body, without the signature
      // pair, and the URL is only saved when that answers 200. It carries nothing to apply.
      isInstallationCheck: isEmptyPayload,
      authenticate(headers) {
        const presented = Buffer.from(headers[BITESHIP_WEBHOOK_HEADER] ?? '', 'utf8');
        const expected = Buffer.from(config.webhookSecret, 'utf8');
        return presented.length === expected.length && timingSafeEqual(presented, expected);
      },
      parse(body) {
        if (isEmptyPayload(body)) return null; // the dashboard's installation check
        const payload = body as Record<string, unknown>;
        const event = payload.event;
        const orderId = payload.order_id;
        if (typeof event !== 'string' || typeof orderId !== 'string' || orderId.length === 0 || orderId.length > 100) {
          throw shippingErrors.SHIPPING_WEBHOOK_INVALID({ detail: 'A Biteship webhook names its event and order_id' });
        }
        const update: CarrierUpdate = {
          carrierReference: orderId,
          status: null,
          trackingNumber: text(payload.courier_waybill_id, 100),
          trackingUrl: url(payload.courier_link),
          note: null,
        };
        if (event === 'order.status') return { ...update, status: biteshipStatus(payload.status), note: text(payload.note, 500) };
        if (event === 'order.waybill_id') return update;
        // `order.price` and events to come: accepted, nothing to apply.
        return { ...update, trackingNumber: null, trackingUrl: null };
      },
    },
  };
}

function isEmptyPayload(body: unknown): boolean {
  return body === undefined || body === null || body === '' || (typeof body === 'object' && Object.keys(body).length === 0);
}

/** Biteship's "1 - 2" with unit "days" (or "hours": same day). */
function durationDays(range: unknown, unit: unknown): { min: number; max: number } | null {
  if (typeof range !== 'string') return null;
  const numbers = range.match(/[0-9]+/g)?.map(Number) ?? [];
  if (numbers.length === 0) return null;
  if (unit === 'hours') return { min: 0, max: 0 };
  const min = Math.min(365, numbers[0] as number);
  const max = Math.min(365, Math.max(min, numbers[numbers.length - 1] as number));
  return { min, max };
}

function text(value: unknown, max: number): string | null {
  return typeof value === 'string' && value.length > 0 ? value.slice(0, max) : null;
}

function url(value: unknown): string | null {
  return typeof value === 'string' && /^https?:\/\//.test(value) && value.length <= 500 ? value : null;
}

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake received. */
export interface SeenRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown> | null;
}

/** A Biteship order the fake holds. */
export interface FakeOrder {
  id: string;
  trackingId: string;
  waybillId: string;
  status: string;
  referenceId: unknown;
}

/**
 * A local stand-in for api.biteship.com on 127.0.0.1 that speaks the documented endpoints the
 * adapter uses: `POST /v1/rates/couriers`, `POST /v1/orders`, `GET /v1/orders/{id}` and
 * `GET /v1/trackings/{id}`, authenticated by the API key in the `authorization` header, with
 * Biteship's `{ success: false, error, code }` answers for refusals.
 */
export async function startFakeBiteship(apiKey: string) {
  const requests: SeenRequest[] = [];
  const orders = new Map<string, FakeOrder>();
  const state = { down: false, bookingDelayMs: 0 };
  const pricing = [
    {
      courier_code: 'jne',
      courier_name: 'JNE',
      courier_service_code: 'reg',
      courier_service_name: 'Reguler',
      price: 18000,
      shipment_duration_range: '2 - 3',
      shipment_duration_unit: 'days',
    },
    {
      courier_code: 'sicepat',
      courier_name: 'SiCepat',
      courier_service_code: 'best',
      courier_service_name: 'BEST',
      price: 25000,
      shipment_duration_range: '1',
      shipment_duration_unit: 'days',
    },
    {
      courier_code: 'jne',
      courier_name: 'JNE',
      courier_service_code: 'yes',
      courier_service_name: 'YES',
      price: 9000,
      shipment_duration_range: '1 - 2',
      shipment_duration_unit: 'hours',
    },
  ];

  const server: Server = createServer(async (request, response) => {
    const body = await readJson(request);
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    requests.push({ method: request.method ?? '', path, authorization: request.headers.authorization, body });
    const send = (status: number, payload: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(payload));
    };
    if (state.down) return send(503, { success: false, error: 'Service unavailable', code: 50000000 });
    if (request.headers.authorization !== apiKey) return send(401, { success: false, error: 'Authorization failed', code: 40101001 });

    if (request.method === 'POST' && path === '/v1/rates/couriers') {
      if (!body || typeof body.couriers !== 'string' || !Array.isArray(body.items) || typeof body.destination_postal_code !== 'number') {
        return send(400, { success: false, error: 'Invalid request body', code: 40001001 });
      }
      const wanted = body.couriers.split(',');
      return send(200, {
        success: true,
        object: 'courier_pricing',
        message: 'Success to retrieve courier pricing',
        origin: { postal_code: body.origin_postal_code },
        destination: { postal_code: body.destination_postal_code },
        pricing: pricing
          .filter((entry) => wanted.includes(entry.courier_code))
          .map((entry) => ({ ...entry, company: entry.courier_code, type: entry.courier_service_code })),
      });
    }
    if (request.method === 'POST' && path === '/v1/orders') {
      if (!body || typeof body.destination_contact_phone !== 'string' || typeof body.courier_company !== 'string') {
        return send(400, { success: false, error: 'destination_contact_phone is required', code: 40002001 });
      }
      if (state.bookingDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.bookingDelayMs));
      const order: FakeOrder = {
        id: randomBytes(12).toString('hex'),
        trackingId: randomBytes(12).toString('hex'),
        waybillId: `WYB${randomBytes(5).toString('hex').toUpperCase()}`,
        status: 'confirmed',
        referenceId: body.reference_id,
      };
      orders.set(order.id, order);
      return send(200, {
        success: true,
        message: 'Order successfully created',
        object: 'order',
        id: order.id,
        reference_id: order.referenceId,
        courier: { tracking_id: order.trackingId, waybill_id: order.waybillId, company: body.courier_company, type: body.courier_type, link: null },
        price: 18000,
        status: order.status,
      });
    }
    const tracking = path.match(/^\/v1\/trackings\/([^/]+)$/);
    if (request.method === 'GET' && tracking) {
      const order = [...orders.values()].find((candidate) => candidate.trackingId === tracking[1]);
      if (!order) return send(404, { success: false, error: 'Tracking not found', code: 40400001 });
      return send(200, {
        success: true,
        object: 'tracking',
        id: order.trackingId,
        waybill_id: order.waybillId,
        order_id: order.id,
        status: order.status,
        link: `https://track.example/${order.waybillId}`,
        history: [{ note: `Status ${order.status}`, status: order.status, updated_at: new Date().toISOString() }],
      });
    }
    return send(404, { success: false, error: 'Not found', code: 40400000 });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    orders,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown> | null> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return null;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

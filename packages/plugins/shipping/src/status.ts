import type { ShipmentStatus } from './database.js';

/**
 * How far along each status is. A change is applied only when it moves forward, so a webhook
 * that is replayed, or arrives after a later one, changes nothing; the last three are final.
 */
const RANK: Record<ShipmentStatus, number> = { pending: 0, picked_up: 1, in_transit: 2, delivered: 3, returned: 3, cancelled: 3 };

/** Whether a shipment has ended (nothing moves it any more). */
export function isFinal(status: ShipmentStatus): boolean {
  return RANK[status] === 3;
}

/** Whether `next` may follow `current`. */
export function movesForward(current: ShipmentStatus, next: ShipmentStatus): boolean {
  return !isFinal(current) && RANK[next] > RANK[current];
}

/** The statuses of shipments still on their way (polled). */
export const OPEN_STATUSES: ShipmentStatus[] = ['pending', 'picked_up', 'in_transit'];

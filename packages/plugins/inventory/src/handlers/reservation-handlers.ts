import { commitReservation, releaseReservation, reserveStock } from '../reservations.js';
import { returnStock } from '../stock-returns.js';
import type { InventoryHandlers } from './types.js';

/** Stock reservations, for the services that run checkouts. */
export function reservationHandlers(): Pick<InventoryHandlers, 'reserveStock' | 'commitReservation' | 'releaseReservation' | 'returnStock'> {
  return {
    async reserveStock({ body }, ctx) {
      return reserveStock(ctx, body, ctx.clock.now());
    },

    async commitReservation({ params }, ctx) {
      return commitReservation(ctx, params.reservationId, ctx.clock.now());
    },

    async releaseReservation({ params }, ctx) {
      return releaseReservation(ctx, params.reservationId, ctx.clock.now());
    },

    async returnStock({ body }, ctx) {
      return returnStock(ctx, body, ctx.clock.now());
    },
  };
}

import type { ShippingOperations } from '@tokobapak/sdk';
import type { Handlers } from '@tokobapak/server';
import type { ShippingDatabase } from '../database.js';
import type { ShippingEvents } from '../generated/manifest.js';

/** The shipping service's handler map, checked against its spec. */
export type ShippingHandlers = Handlers<ShippingOperations, ShippingDatabase, ShippingEvents>;

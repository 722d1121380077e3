import type { OrderOperations } from '@tokobapak/sdk';
import type { Handlers } from '@tokobapak/server';
import type { OrderDatabase } from '../database.js';
import type { OrderEvents } from '../generated/manifest.js';

/** The order service's handler map, checked against its spec. */
export type OrderHandlers = Handlers<OrderOperations, OrderDatabase, OrderEvents>;

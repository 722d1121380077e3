import type { CartOperations } from '@tokobapak/sdk';
import type { Handlers } from '@tokobapak/server';
import type { CartDatabase } from '../database.js';
import type { CartEvents } from '../generated/manifest.js';

/** The cart service's handler map, checked against its spec. */
export type CartHandlers = Handlers<CartOperations, CartDatabase, CartEvents>;

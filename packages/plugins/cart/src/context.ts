import type { HandlerContext, TxContext } from '@tokobapak/server';
import type { CartDatabase } from './database.js';
import type { CartEvents } from './generated/manifest.js';
import type { CartSettings } from './options.js';

/** What the cart's domain functions need from a handler's (or a job's) context. */
export type CartContext = HandlerContext<CartDatabase, CartEvents>;

/** A transaction of the cart schema. */
export type Tx = TxContext<CartDatabase, CartEvents>;

/** The plugin's settings beside the context. */
export interface Cart {
  ctx: CartContext;
  settings: CartSettings;
}

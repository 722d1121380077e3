/** @tokobapak/plugin-cart: guest and customer carts across stores, with totals and tax computed by the server. */
import type { CartOperations } from '@tokobapak/sdk';
import { definePlugin, type Plugin } from '@tokobapak/server';
import type { CartDatabase } from './database.js';
import { cartErrors } from './errors.js';
import { expireIdleCarts } from './expiry.js';
import { type CartEvents, manifest } from './generated/manifest.js';
import { spec } from './generated/spec.js';
import { cartHandlers } from './handlers/cart-handlers.js';
import { checkoutHandlers } from './handlers/checkout-handlers.js';
import { customerLineHandlers } from './handlers/customer-line-handlers.js';
import { shippingHandlers } from './handlers/shipping-handlers.js';
import { taxHandlers } from './handlers/tax-handlers.js';
import { migrations } from './migrations/index.js';
import { type CartPluginOptions, resolveSettings } from './options.js';

export type { CartDatabase, CartStatus } from './database.js';
export { cartErrors } from './errors.js';
export type { CartEvents } from './generated/manifest.js';
export { type CartPluginOptions, INDONESIAN_PPN, type TaxRule } from './options.js';
export { lineTax } from './tax.js';

/**
 * The cart service as a plugin. It needs the inventory service (in process or by URL): every
 * change and every read looks the cart's variants up there.
 *
 * @example
 * const server = await createServer({ plugins: [authPlugin(), inventoryPlugin(), cartPlugin({ guestCartTtlDays: 30 })] });
 */
export function cartPlugin(options: CartPluginOptions = {}): Plugin {
  const settings = resolveSettings(options);

  return definePlugin<CartOperations, CartDatabase, CartEvents>({
    name: 'cart',
    summary: 'Guest and customer carts across stores; totals and tax by the server; merge at sign-in; expiry',
    spec,
    manifest,
    migrations,
    errors: cartErrors,
    handlers: {
      ...cartHandlers(settings),
      ...taxHandlers(settings),
      ...checkoutHandlers(settings),
      ...shippingHandlers(settings),
      ...customerLineHandlers(settings),
    },
    jobs: [
      {
        name: 'expire-idle-carts',
        intervalMs: settings.expirySweepIntervalMs,
        async run(ctx) {
          const expired = await expireIdleCarts(ctx.db, settings, ctx.clock.now());
          if (expired > 0) ctx.log.info({ expired }, 'cart: idle carts expired');
        },
      },
    ],
  });
}

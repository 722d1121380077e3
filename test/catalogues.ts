import { authErrors } from '@tokobapak/plugin-auth';
import { imageProxyErrors } from '@tokobapak/plugin-image-proxy';
import { inventoryErrors } from '@tokobapak/plugin-inventory';
import { merchantErrors } from '@tokobapak/plugin-merchant';
import { orderErrors } from '@tokobapak/plugin-order';
import { promotedItemErrors } from '@tokobapak/plugin-promoted-item';
import { userErrors } from '@tokobapak/plugin-user';
import { type ErrorSpec, platformErrors } from '@tokobapak/server';

/** Every package's error catalogue, by the heading it has in docs/errors.md. */
export const catalogues: Record<string, Readonly<Record<string, ErrorSpec>>> = {
  platform: platformErrors.specs,
  auth: authErrors.specs,
  user: userErrors.specs,
  merchant: merchantErrors.specs,
  inventory: inventoryErrors.specs,
  'image-proxy': imageProxyErrors.specs,
  'promoted-item': promotedItemErrors.specs,
  order: orderErrors.specs,
};

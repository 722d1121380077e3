import type { EnvVar } from './environment.js';
import { storeVariables } from './store-environment.js';

/**
 * The variables of `tokobapak login`, `register`, `keys`, `images`, `products create` and
 * `service-token`, each mirroring a flag; `docs/cli.md` lists them. The connection ones
 * (`TOKOBAPAK_URL`, `TOKOBAPAK_EMAIL`, …) are shared with `tokobapak store`.
 */
export const accountVariables = {
  url: storeVariables.url,
  fullName: {
    flag: '--full-name <name>',
    name: 'TOKOBAPAK_FULL_NAME',
    description: 'your display name (register)',
    example: 'Rina Wijaya',
  },
  scopes: {
    flag: '--scopes <scopes>',
    name: 'TOKOBAPAK_SCOPES',
    description: 'comma-separated scopes of the new key (default: store:read,store:write,products:read,products:write in a store, else profile:read)',
    example: 'products:read,products:write',
  },
  service: {
    flag: '--service <name>',
    name: 'TOKOBAPAK_SERVICE',
    description: 'the service the credential speaks for, e.g. order (it may call what that service may call)',
    example: 'order',
  },
  title: {
    flag: '--title <text>',
    name: 'TOKOBAPAK_TITLE',
    description: 'title of the new product',
    example: 'Kopi Gayo 250 g',
  },
  handle: {
    flag: '--handle <handle>',
    name: 'TOKOBAPAK_HANDLE',
    description: "the product's URL name, unique in the store (default: from the title)",
    example: 'kopi-gayo-250',
  },
  price: {
    flag: '--price <amount>',
    name: 'TOKOBAPAK_PRICE',
    description: "price in the currency's minor units (IDR has none: 85000 is Rp 85.000)",
    example: '85000',
  },
  currency: {
    flag: '--currency <code>',
    name: 'TOKOBAPAK_CURRENCY',
    description: 'ISO 4217 currency of the price (default: IDR)',
    example: 'IDR',
  },
  sku: {
    flag: '--sku <sku>',
    name: 'TOKOBAPAK_SKU',
    description: 'stock-keeping unit, unique in the store (default: the handle in capitals)',
    example: 'KOPI-GAYO-250',
  },
  stock: {
    flag: '--stock <count>',
    name: 'TOKOBAPAK_STOCK',
    description: 'stock on hand (default: 0)',
    example: '40',
  },
  weight: {
    flag: '--weight <grams>',
    name: 'TOKOBAPAK_WEIGHT',
    description: 'shipping weight in grams (default: 0)',
    example: '250',
  },
  imageId: {
    flag: '--image-id <id>',
    name: 'TOKOBAPAK_IMAGE_ID',
    description: 'an image uploaded with `tokobapak images upload` (img_…)',
    example: 'img_01jd2x7k9q3m4n5p6r7s8t9v0w',
  },
  publish: {
    flag: '--publish',
    name: 'TOKOBAPAK_PUBLISH',
    description: 'put the new product in the public catalogue at once (default: a draft)',
    example: 'false',
  },
} as const satisfies Record<string, EnvVar & { flag: string }>;

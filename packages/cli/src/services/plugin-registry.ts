import { authPlugin } from '@tokobapak/plugin-auth';
import { imageProxyPlugin } from '@tokobapak/plugin-image-proxy';
import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { merchantPlugin } from '@tokobapak/plugin-merchant';
import { orderPlugin } from '@tokobapak/plugin-order';
import { promotedItemPlugin } from '@tokobapak/plugin-promoted-item';
import { userPlugin } from '@tokobapak/plugin-user';
import type { ServiceRegistry } from './runtime.js';

// The one place that names the built-in services. Adding one is a line here plus the package in
// packages/cli/package.json; `start --services`, `migrate` and `services` pick it up from this map.
// Options come unvalidated from the config file key named after the service; each factory checks its own.

/** Factories of the services that ship with TokoBapak, keyed by their `--services` name. */
export const builtInServices: ServiceRegistry = {
  auth: (options) => authPlugin(options as Parameters<typeof authPlugin>[0]),
  user: (options) => userPlugin(options as Parameters<typeof userPlugin>[0]),
  merchant: (options) => merchantPlugin(options as Parameters<typeof merchantPlugin>[0]),
  inventory: (options) => inventoryPlugin(options as Parameters<typeof inventoryPlugin>[0]),
  // Images live beside the store's data unless the config gives a blob store (S3) or folder of its own.
  'image-proxy': (options, context) => imageProxyPlugin({ blobDir: context.filesDir('blobs'), ...(options as Parameters<typeof imageProxyPlugin>[0]) }),
  'promoted-item': (options) => promotedItemPlugin(options as Parameters<typeof promotedItemPlugin>[0]),
  order: (options) => orderPlugin(options as Parameters<typeof orderPlugin>[0]),
};

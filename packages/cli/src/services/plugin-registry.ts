import { authPlugin } from '@tokobapak/plugin-auth';
import { userPlugin } from '@tokobapak/plugin-user';
import type { ServiceRegistry } from './runtime.js';

// The one place that names the built-in services. Adding one is a line here plus the package in
// packages/cli/package.json; `start --services`, `migrate` and `services` pick it up from this map.
// Options come unvalidated from the config file key named after the service; each factory checks its own.

/** Factories of the services that ship with TokoBapak, keyed by their `--services` name. */
export const builtInServices: ServiceRegistry = {
  auth: (options) => authPlugin(options as Parameters<typeof authPlugin>[0]),
  user: (options) => userPlugin(options as Parameters<typeof userPlugin>[0]),
};

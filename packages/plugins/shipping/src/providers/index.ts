import type { ProviderName } from '../database.js';
import type { ShippingSettings } from '../options.js';
import { biteshipProvider } from './biteship.js';
import { flatRateProvider, weightTableProvider } from './built-in.js';
import type { ShippingProvider } from './types.js';

/** The providers this server has: the built-in ones always, carriers when they are configured. */
export type Providers = Partial<Record<ProviderName, ShippingProvider>>;

/** Every provider the plugin's settings make available, by name. */
export function availableProviders(settings: ShippingSettings): Providers {
  const providers: Providers = { 'flat-rate': flatRateProvider, 'weight-table': weightTableProvider };
  if (settings.biteship) providers.biteship = biteshipProvider(settings.biteship, settings.fetch);
  return providers;
}

/** The provider a stored quote or shipment names; one that is no longer configured cannot be used. */
export function providerNamed(providers: Providers, name: string): ShippingProvider | undefined {
  return Object.hasOwn(providers, name) ? providers[name as ProviderName] : undefined;
}

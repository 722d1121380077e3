import type { ServiceRegistry } from './runtime.js';
import { buildPlugins } from './server-config.js';
import type { StoreSettings } from './settings.js';

/** One row of `tokobapak services`. */
export interface ServiceInfo {
  name: string;
  summary: string;
  /** Number of operations in the service's OpenAPI document. */
  operations: number;
  /** Whether the current config runs it in this process. */
  loaded: boolean;
  /** Base URL when the current config reaches it in another process. */
  remote: string | null;
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Counts the operations of an OpenAPI document (path-level keys such as `parameters` are not operations). */
export function countOperations(spec: { paths?: Record<string, object | undefined> }): number {
  let count = 0;
  for (const item of Object.values(spec.paths ?? {})) {
    for (const key of Object.keys(item ?? {})) if (HTTP_METHODS.has(key)) count += 1;
  }
  return count;
}

/** Every built-in service with its summary and size, and whether the resolved settings load it. */
export function describeServices(registry: ServiceRegistry, settings: Pick<StoreSettings, 'services' | 'serviceOptions' | 'remoteServices'>): ServiceInfo[] {
  const names = Object.keys(registry).sort();
  const plugins = buildPlugins({ services: names, serviceOptions: settings.serviceOptions }, registry);
  return plugins.map((plugin, index) => {
    const name = names[index] as string;
    return {
      name,
      summary: plugin.summary,
      operations: countOperations(plugin.spec),
      loaded: settings.services.includes(name),
      remote: settings.remoteServices[name] ?? null,
    };
  });
}

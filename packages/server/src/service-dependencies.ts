import type { Plugin } from './plugin.js';
import { readServiceContract } from './spec-reader.js';

/** A service a loaded plugin calls (its spec's `x-calls`) that is neither loaded nor configured. */
export interface MissingService {
  plugin: string;
  service: string;
  /** The environment variable that configures its URL (`TOKOBAPAK_INVENTORY_URL`). */
  variable: string;
  why: string;
}

/** The environment variable the CLI reads a remote service's base URL from. */
export function serviceUrlVariable(service: string): string {
  return `TOKOBAPAK_${service.toUpperCase().replaceAll('-', '_')}_URL`;
}

/**
 * Which called services are missing: every service named in a loaded plugin's `x-calls` must be
 * loaded in this process or have a URL in `remoteServices`. `required` ones stop the start,
 * `optional` ones (`optional: true` in the spec) are only reported.
 */
export function findMissingServices(plugins: Plugin[], remoteServices: Record<string, string>): { required: MissingService[]; optional: MissingService[] } {
  const reachable = new Set([...plugins.map((plugin) => plugin.name), ...Object.keys(remoteServices)]);
  const required: MissingService[] = [];
  const optional: MissingService[] = [];
  for (const plugin of plugins) {
    for (const call of readServiceContract(plugin.name, plugin.spec).calls) {
      if (reachable.has(call.service)) continue;
      (call.optional ? optional : required).push({ plugin: plugin.name, service: call.service, variable: serviceUrlVariable(call.service), why: call.why });
    }
  }
  return { required, optional };
}

/** What a missing service means, in one line. */
export function describeMissingService(missing: MissingService): string {
  const why = missing.why ? ` (${missing.why.replace(/\.$/, '')})` : '';
  return `${missing.plugin} calls ${missing.service}${why}, which is neither loaded in this process nor configured: load ${missing.service} too, or set ${missing.variable} (remoteServices.${missing.service}) to its URL`;
}

/** `createServer` refused to start: a loaded plugin calls a service that is neither loaded nor configured. */
export class MissingServicesError extends Error {
  /** Stable, for callers (the CLI) that turn it into their own error. */
  readonly code = 'SERVER_SERVICES_MISSING';

  constructor(readonly missing: MissingService[]) {
    super(`Cannot start: ${missing.map(describeMissingService).join('; ')}`);
    this.name = 'MissingServicesError';
  }
}

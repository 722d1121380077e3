import { type ProblemError, platformErrors } from './errors.js';

// Registered globally (Symbol.for), so that a plugin with its own copy of this package still
// recognises the mark, as with ProblemError's brand.
const NOT_DEPLOYED = Symbol.for('tokobapak.service-not-deployed');

/**
 * The 503 a call gets when the service it calls is neither loaded in this process nor configured
 * with a URL: the deployment has no such service. It answers over HTTP as any `SERVICE_UNAVAILABLE`,
 * but carries a mark, so that a caller for which "no such service here" means "skip this feature"
 * can tell it from a service that is deployed and failing (refused connection, 5xx), which
 * throws the same code without the mark. See {@link isServiceNotDeployed}.
 */
export function serviceNotDeployed(service: string, variable: string): ProblemError {
  const error = platformErrors.SERVICE_UNAVAILABLE(`Service ${service} is not running in this process and no URL is configured for it (${variable})`);
  Object.defineProperty(error, NOT_DEPLOYED, { value: true });
  return error;
}

/**
 * True only for the error of a call to a service this deployment does not have (see
 * {@link serviceNotDeployed}); false for a deployed service that did not answer or failed, which
 * a caller should treat as "try again later", never as absent.
 */
export function isServiceNotDeployed(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[NOT_DEPLOYED] === true;
}

/**
 * True for a coded 4xx answer from another service (or this server): the call was refused and
 * changed nothing, so it is neither retried nor undone, unlike a failure or no answer at all.
 */
export function isRefusal(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

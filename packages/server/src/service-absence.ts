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

// 4xx answers that say "not now" rather than "no": the request they answer may still take effect
// (another call with the same idempotency key is running) or may be asked again later.
const NOT_NOW_CODES = new Set(['IDEMPOTENCY_IN_PROGRESS', 'RATE_LIMITED']);

/**
 * True for a coded 4xx answer from another service (or this server) that turns the request down
 * for good: the call was refused and changed nothing, so it is neither retried nor undone, unlike a
 * failure, no answer at all, or a "not now" (`IDEMPOTENCY_IN_PROGRESS`, `RATE_LIMITED`), after
 * which the caller cannot tell what will happen and must ask again later.
 */
export function isRefusal(error: unknown): boolean {
  const failure = error as { status?: unknown; code?: unknown; problem?: { code?: unknown } } | null;
  const status = failure?.status;
  if (!(typeof status === 'number' && status >= 400 && status < 500)) return false;
  const code = failure?.problem?.code ?? failure?.code;
  return !(typeof code === 'string' && NOT_NOW_CODES.has(code));
}

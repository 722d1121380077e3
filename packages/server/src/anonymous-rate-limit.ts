import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { platformErrors } from './errors.js';

/** How many requests one client may make in a window. */
export interface RequestBudget {
  max: number;
  windowSeconds: number;
}

/**
 * The limit on API operations called without credentials (a guest browsing the catalogue, quoting
 * shipping, creating a cart), per client IP: `max` requests a `windowSeconds` window, and for the
 * operations named in `operations` (by operationId) a budget of their own, counted apart.
 */
export interface AnonymousRateLimit extends RequestBudget {
  operations?: Record<string, RequestBudget>;
}

const operationOf = (request: FastifyRequest): string | undefined => (request.routeOptions.config as { operationId?: string }).operationId;

/**
 * Counts anonymous callers' requests to API operations per client IP (`request.ip`, so behind a
 * reverse proxy set `trustProxy`) with `@fastify/rate-limit`'s in-memory store: one count per
 * process, no database round trip. Callers with a session, an API key or a service credential are
 * not counted (the hook runs after authentication and lets them through; on an operation open to
 * everyone, where authentication reads nothing, a valid service credential is checked here), nor
 * are routes that are not operations (health, metrics, docs). Over the budget: 429 `RATE_LIMITED` problem+json with
 * `Retry-After`. Must be installed before the operations' routes are added.
 */
export async function installAnonymousRateLimit(
  app: FastifyInstance,
  limit: AnonymousRateLimit,
  isServiceCredential: (credential: string) => boolean,
): Promise<void> {
  const own = new Map(Object.entries(limit.operations ?? {}));
  const budgetOf = (request: FastifyRequest): RequestBudget => {
    const operationId = operationOf(request);
    return (operationId !== undefined && own.get(operationId)) || limit;
  };
  await app.register(fastifyRateLimit, {
    global: true,
    // Authentication is the route's own onRequest hook; this one is added after it.
    hook: 'onRequest',
    allowList: (request) => {
      if (operationOf(request) === undefined || request.caller?.kind !== 'guest') return true;
      // An operation open to everyone makes every caller a guest, services too: a service in another
      // process (or an in-process call through inject) calling it from one address is not a crowd.
      const credential = request.headers['x-service-credential'];
      return typeof credential === 'string' && isServiceCredential(credential);
    },
    keyGenerator: (request) => {
      const operationId = operationOf(request);
      return operationId !== undefined && own.has(operationId) ? `${request.ip}|${operationId}` : request.ip;
    },
    max: (request) => budgetOf(request).max,
    timeWindow: (request) => budgetOf(request).windowSeconds * 1000,
    // Counting headers on every answer would cost bytes on the hottest routes; a refusal says when to retry.
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    addHeaders: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false, 'retry-after': true },
    errorResponseBuilder: (_request, context) => {
      const retryAfter = String(Math.max(1, Math.ceil(context.ttl / 1000)));
      return platformErrors.RATE_LIMITED({
        detail: `Too many requests from this address; try again in ${retryAfter} seconds`,
        headers: { 'retry-after': retryAfter },
      });
    },
  });
}

import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { platformErrors } from './errors.js';

/**
 * `/metrics` (Prometheus text) and `/health`. Each server has its own registry, so several servers
 * in one process (tests, `start` of several subsets) do not mix their figures. With a
 * `metricsToken`, `/metrics` wants it as a bearer token.
 */
export function installObservability(
  app: FastifyInstance,
  options: { db: Kysely<unknown>; services: string[]; databaseKind: string; metricsToken?: string | undefined },
): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tokobapak_' });
  const requests = new Counter({
    name: 'tokobapak_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'tokobapak_http_request_duration_seconds',
    help: 'HTTP request duration by route',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    done();
  });

  const allowed = options.metricsToken ? bearerMatcher(options.metricsToken) : () => true;
  app.get('/metrics', { logLevel: 'warn' }, async (request, reply) => {
    if (!allowed(request.headers.authorization)) throw platformErrors.UNAUTHENTICATED('/metrics needs the metrics token as a bearer token');
    void reply.type(registry.contentType);
    return registry.metrics();
  });

  app.get('/health', { logLevel: 'warn' }, async (_request, reply) => {
    try {
      await sql`select 1`.execute(options.db);
      return { status: 'ok', database: options.databaseKind, services: options.services };
    } catch {
      void reply.code(503);
      return { status: 'unavailable', database: options.databaseKind, services: options.services };
    }
  });
  return registry;
}

/** Compares a presented `Authorization` header with the expected bearer token in constant time (over fixed-length digests). */
function bearerMatcher(token: string): (header: string | undefined) => boolean {
  const expected = createHash('sha256').update(token).digest();
  return (header) => {
    const presented = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
    return presented !== undefined && timingSafeEqual(createHash('sha256').update(presented).digest(), expected);
  };
}

import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * `/metrics` (Prometheus text) and `/health`. Each server has its own registry, so several servers
 * in one process (tests, `start` of several subsets) do not mix their figures.
 */
export function installObservability(app: FastifyInstance, options: { db: Kysely<unknown>; services: string[]; databaseKind: string }): Registry {
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

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
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

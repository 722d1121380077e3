import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import { platformErrors } from './errors.js';

/** Browser origins allowed to call the API: exact origins or patterns, or `true` for any. */
export type CorsOrigins = Array<string | RegExp> | true;

/** Pages served from this machine on any port (`http://localhost:5173`, `http://127.0.0.1:3000`): the demo allows them. */
export const LOCALHOST_ORIGINS: RegExp[] = [/^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/];

/**
 * CORS for the configured origins. Without any, a preflight (`OPTIONS`) is answered with a problem
 * that says cross-origin calls are off and how to turn them on, instead of "No route for OPTIONS";
 * the browser refuses the call either way, but the developer reading the network tab learns why.
 */
export async function installCors(app: FastifyInstance, origins: CorsOrigins | undefined): Promise<void> {
  if (origins) {
    // Bearer tokens travel in a header, not a cookie, so credentials mode is never needed.
    await app.register(cors, {
      origin: origins,
      // @fastify/cors allows only GET, HEAD and POST unless told: the API also changes things with PUT, PATCH and DELETE.
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'if-none-match', 'x-api-key', 'x-request-id'],
      exposedHeaders: ['x-request-id', 'retry-after', 'idempotent-replayed', 'location', 'etag'],
      maxAge: 600,
    });
    return;
  }
  app.options('*', { logLevel: 'warn' }, async () => {
    throw platformErrors.CORS_NOT_ENABLED(
      'This server allows no cross-origin browser calls. Name the origins of your pages in TOKOBAPAK_CORS_ORIGINS (or corsOrigins in the config); `tokobapak start --demo` allows localhost pages.',
    );
  });
}

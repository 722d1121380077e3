import { type Kysely, type Migration, sql } from 'kysely';
import { platformErrors } from './errors.js';
import type { Clock } from './plugin.js';
import { qualifiedBySchema } from './schema-qualified.js';

/** How many hits a bucket allows per window. */
export interface RateLimit {
  max: number;
  windowSeconds: number;
}

/** Counts a hit against a bucket; throws 429 `RATE_LIMITED` with `Retry-After` when the window is full. */
export type RateLimiter = (bucket: string, limit: RateLimit) => Promise<void>;

/** `tokobapak.rate_limit_hits`: one row per counted request, kept for the bucket's window. */
export const rateLimitMigration: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the live schema
  async up(db: Kysely<any>) {
    await db.schema
      .withSchema('tokobapak')
      .createTable('rate_limit_hits')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('bucket', 'text', (c) => c.notNull())
      .addColumn('hit_at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema.withSchema('tokobapak').createIndex('rate_limit_hits_bucket').on('rate_limit_hits').columns(['bucket', 'hit_at']).execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    await db.schema.withSchema('tokobapak').dropTable('rate_limit_hits').ifExists().execute();
  },
};

/**
 * A sliding-window limiter shared by every process on the database. The hit is written before it
 * is counted, and counted among the hits with a smaller id, so fifty requests arriving at once
 * cannot all slip under the limit: each sees at least the ones committed before it. Refused hits
 * count too, so hammering a bucket keeps it closed. A bucket's expired hits are deleted as it is
 * used, so the table holds at most one window per bucket.
 */
export function createRateLimiter(db: Kysely<unknown>, clock: Clock): RateLimiter {
  // biome-ignore lint/suspicious/noExplicitAny: runtime-owned table without generated types
  const hits = qualifiedBySchema(db as Kysely<any>, 'tokobapak');
  return async (bucket, limit) => {
    const now = clock.now();
    const since = new Date(now.getTime() - limit.windowSeconds * 1000);
    const inserted = await hits.insertInto('rate_limit_hits').values({ bucket, hit_at: now }).returning('id').executeTakeFirstOrThrow();
    const counted = await hits
      .selectFrom('rate_limit_hits')
      .select([sql<number>`count(*)`.as('count'), sql<Date>`min(hit_at)`.as('oldest')])
      .where('bucket', '=', bucket)
      .where('hit_at', '>', since)
      .where('id', '<=', inserted.id)
      .executeTakeFirstOrThrow();
    await hits.deleteFrom('rate_limit_hits').where('bucket', '=', bucket).where('hit_at', '<=', since).execute();
    if (Number(counted.count) <= limit.max) return;
    const oldest = new Date(counted.oldest ?? now);
    const retryAfter = Math.max(1, Math.ceil((oldest.getTime() + limit.windowSeconds * 1000 - now.getTime()) / 1000));
    throw platformErrors.RATE_LIMITED({
      detail: `Too many requests of this kind; try again in ${retryAfter} seconds`,
      headers: { 'retry-after': String(retryAfter) },
    });
  };
}

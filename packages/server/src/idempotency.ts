import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Caller } from './caller.js';
import { platformErrors } from './errors.js';
import { PLATFORM_SCHEMA } from './platform-migrations.js';

/** A stored response that a retried request gets again. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

/** How long a key is remembered. */
const RETENTION_HOURS = 24;

/**
 * Idempotency keys (`Idempotency-Key` header) for operations that declare them: the first request
 * claims the key; a retry with the same key and the same request gets the stored response; the same
 * key with a different request is refused; a retry while the first is still running gets 409.
 */
export class IdempotencyStore {
  // biome-ignore lint/suspicious/noExplicitAny: runtime-owned table without generated types
  private readonly db: Kysely<any>;

  constructor(db: Kysely<unknown>) {
    // biome-ignore lint/suspicious/noExplicitAny: see above
    this.db = (db as Kysely<any>).withSchema(PLATFORM_SCHEMA);
  }

  /** Claims the key; returns the stored response when this is a replay. */
  async claim(caller: Caller, operation: string, key: string, request: unknown): Promise<StoredResponse | undefined> {
    const callerKey = callerIdentity(caller);
    const requestHash = createHash('sha256')
      .update(JSON.stringify(request ?? null))
      .digest('hex');
    const claimed = await this.db
      .insertInto('idempotency_keys')
      .values({ caller: callerKey, operation, key, request_hash: requestHash })
      .onConflict((conflict) => conflict.columns(['caller', 'operation', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (claimed) return undefined;
    const existing = await this.db
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'status', 'response', 'created_at'])
      .where('caller', '=', callerKey)
      .where('operation', '=', operation)
      .where('key', '=', key)
      .executeTakeFirst();
    if (!existing) return this.claim(caller, operation, key, request);
    if (existing.request_hash !== requestHash) throw platformErrors.IDEMPOTENCY_KEY_REUSED();
    if (existing.status === null) throw platformErrors.IDEMPOTENCY_IN_PROGRESS({ headers: { 'retry-after': '1' } });
    return { status: existing.status as number, body: existing.response };
  }

  /** Stores the final response for the key. */
  async complete(caller: Caller, operation: string, key: string, response: StoredResponse): Promise<void> {
    await this.db
      .updateTable('idempotency_keys')
      .set({ status: response.status, response: JSON.stringify(response.body ?? null) })
      .where('caller', '=', callerIdentity(caller))
      .where('operation', '=', operation)
      .where('key', '=', key)
      .execute();
  }

  /** Forgets the key after a failure the client should be able to retry (5xx). */
  async release(caller: Caller, operation: string, key: string): Promise<void> {
    await this.db
      .deleteFrom('idempotency_keys')
      .where('caller', '=', callerIdentity(caller))
      .where('operation', '=', operation)
      .where('key', '=', key)
      .execute();
  }

  /** Deletes keys older than the retention window. */
  async prune(): Promise<void> {
    await this.db.deleteFrom('idempotency_keys').where('created_at', '<', sql<Date>`now() - make_interval(hours => ${RETENTION_HOURS})`).execute();
  }
}

/**
 * Whose key space a request uses: the person, and the store the credential acts in. The store
 * matters: one person's store session or key in a second store must not replay the first store's
 * response (and so create nothing there) just because the key and body match.
 */
function callerIdentity(caller: Caller): string {
  switch (caller.kind) {
    case 'user':
    case 'apiKey':
      return caller.storeId ? `usr:${caller.userId}:sto:${caller.storeId}` : `usr:${caller.userId}`;
    case 'service':
      return `svc:${caller.service}`;
    default:
      return 'guest';
  }
}

import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Caller } from './caller.js';
import { platformErrors } from './errors.js';
import { leaseOwner, OWNER_PREFIX } from './lease-owner.js';
import { PLATFORM_SCHEMA } from './platform-migrations.js';
import { queryTemplate } from './query-templates.js';
import { qualifiedBySchema } from './schema-qualified.js';

/** A stored response that a retried request gets again. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

/** How long a key is remembered. */
const RETENTION_HOURS = 24;

/** How an idempotency store holds the keys of the requests it is running. */
export interface IdempotencyOptions {
  /** How long a claim lasts without renewal, in ms (default 30,000): a request of a server that died is taken over after this. */
  leaseMs?: number;
}

// biome-ignore lint/suspicious/noExplicitAny: runtime-owned table without generated types
type KeyTables = any;
type KeyOf = { caller: string; operation: string; key: string };

/** The claim every idempotent request makes (a checkout's payment among them): compiled once, not built per request. */
const claimKey = queryTemplate<KeyTables, KeyOf & { requestHash: string; owner: string; leaseSeconds: number }, { key: string }>({
  name: 'idempotency_claim',
  build: (db, p) =>
    db
      .insertInto('idempotency_keys')
      .values({
        caller: p.caller,
        operation: p.operation,
        key: p.key,
        request_hash: p.requestHash,
        owner: p.owner,
        lease_until: sql<Date>`now() + make_interval(secs => ${p.leaseSeconds})`,
      })
      .onConflict((conflict) => conflict.columns(['caller', 'operation', 'key']).doNothing())
      .returning('key'),
});

/** The answer stored once the request is done, by the server that holds the key. */
const completeKey = queryTemplate<KeyTables, KeyOf & { status: number; response: string; owner: string }, never>({
  name: 'idempotency_complete',
  build: (db, p) =>
    db
      .updateTable('idempotency_keys')
      .set({ status: p.status, response: p.response, owner: null, lease_until: null })
      .where('caller', '=', p.caller)
      .where('operation', '=', p.operation)
      .where('key', '=', p.key)
      // A server that stalled past its lease while another took the key over leaves the answer to it.
      .where('owner', '=', p.owner),
});

/**
 * Idempotency keys (`Idempotency-Key` header) for operations that declare them: the first request
 * claims the key; a retry with the same key and the same request gets the stored response; the same
 * key with a different request is refused; a retry while the first is still running gets 409.
 *
 * A claim is a lease held by this server and renewed while the request runs. When the server dies
 * in the middle (a crash, a kill), the record would otherwise say "in progress" until it is pruned a
 * day later; once its lease has run out, a retry takes the key over and runs the request again,
 * which for an operation built on a durable process (checkout) answers that process's outcome.
 */
export class IdempotencyStore {
  // biome-ignore lint/suspicious/noExplicitAny: runtime-owned table without generated types
  private readonly db: Kysely<any>;
  private readonly owner = leaseOwner('idm');
  private readonly leaseMs: number;
  /** Renewal timers of the keys this server is running requests for. */
  private readonly held = new Map<string, NodeJS.Timeout>();

  constructor(db: Kysely<unknown>, options: IdempotencyOptions = {}) {
    // biome-ignore lint/suspicious/noExplicitAny: see above
    this.db = qualifiedBySchema(db as Kysely<any>, PLATFORM_SCHEMA);
    this.leaseMs = options.leaseMs ?? 30_000;
  }

  private leaseUntil() {
    return sql<Date>`now() + make_interval(secs => ${this.leaseMs / 1000})`;
  }

  /** Keeps renewing this server's lease on a key until the request completes or is released. */
  private hold(callerKey: string, operation: string, key: string): void {
    const id = `${callerKey}\n${operation}\n${key}`;
    clearInterval(this.held.get(id));
    const timer = setInterval(() => {
      this.db
        .updateTable('idempotency_keys')
        .set({ lease_until: this.leaseUntil() })
        .where('caller', '=', callerKey)
        .where('operation', '=', operation)
        .where('key', '=', key)
        .where('owner', '=', this.owner)
        .where('status', 'is', null)
        .execute()
        .catch(() => undefined);
    }, this.leaseMs / 3);
    timer.unref();
    this.held.set(id, timer);
  }

  private letGo(callerKey: string, operation: string, key: string): void {
    const id = `${callerKey}\n${operation}\n${key}`;
    clearInterval(this.held.get(id));
    this.held.delete(id);
  }

  /** Claims the key; returns the stored response when this is a replay. */
  async claim(caller: Caller, operation: string, key: string, request: unknown): Promise<StoredResponse | undefined> {
    const callerKey = callerIdentity(caller);
    const requestHash = createHash('sha256')
      .update(JSON.stringify(request ?? null))
      .digest('hex');
    const [claimed] = await claimKey.execute(this.db, {
      caller: callerKey,
      operation,
      key,
      requestHash,
      owner: this.owner,
      leaseSeconds: this.leaseMs / 1000,
    });
    if (claimed) {
      this.hold(callerKey, operation, key);
      return undefined;
    }
    const existing = await this.db
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'status', 'response', 'created_at'])
      .where('caller', '=', callerKey)
      .where('operation', '=', operation)
      .where('key', '=', key)
      .executeTakeFirst();
    if (!existing) return this.claim(caller, operation, key, request);
    if (existing.request_hash !== requestHash) throw platformErrors.IDEMPOTENCY_KEY_REUSED();
    if (existing.status === null) {
      // The request that claimed the key may have died with its server: then its lease has run out
      // (a record from before leases has none) and this retry takes the key over. Of concurrent
      // retries the row lock lets exactly one through.
      const taken = await this.db
        .updateTable('idempotency_keys')
        .set({ owner: this.owner, lease_until: this.leaseUntil() })
        .where('caller', '=', callerKey)
        .where('operation', '=', operation)
        .where('key', '=', key)
        .where('status', 'is', null)
        .where('request_hash', '=', requestHash)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', sql<Date>`now()`)]))
        .returning('key')
        .executeTakeFirst();
      if (!taken) throw platformErrors.IDEMPOTENCY_IN_PROGRESS({ headers: { 'retry-after': '1' } });
      this.hold(callerKey, operation, key);
      return undefined;
    }
    return { status: existing.status as number, body: existing.response };
  }

  /**
   * Frees the keys claimed by other OS processes. Only for PGlite, whose data folder one OS process
   * opens at a time: their requests died with them, so a retry need not wait for the lease to run out.
   */
  async freeKeysOfOtherProcesses(): Promise<void> {
    await this.db
      .updateTable('idempotency_keys')
      .set({ lease_until: sql<Date>`now()` })
      .where('status', 'is', null)
      .where(sql<boolean>`left(owner, ${OWNER_PREFIX.length}) <> ${OWNER_PREFIX}`)
      .execute();
  }

  /** Stops renewing leases (the server is closing; a request still running keeps its key until the lease runs out). */
  close(): void {
    for (const timer of this.held.values()) clearInterval(timer);
    this.held.clear();
  }

  /** Stores the final response for the key (and ends this server's lease on it). */
  async complete(caller: Caller, operation: string, key: string, response: StoredResponse): Promise<void> {
    this.letGo(callerIdentity(caller), operation, key);
    await completeKey.execute(this.db, {
      caller: callerIdentity(caller),
      operation,
      key,
      status: response.status,
      response: JSON.stringify(response.body ?? null),
      owner: this.owner,
    });
  }

  /** Forgets the key after a failure the client should be able to retry (5xx). */
  async release(caller: Caller, operation: string, key: string): Promise<void> {
    this.letGo(callerIdentity(caller), operation, key);
    await this.db
      .deleteFrom('idempotency_keys')
      .where('caller', '=', callerIdentity(caller))
      .where('operation', '=', operation)
      .where('key', '=', key)
      .where('owner', '=', this.owner)
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

import type { TokoBapakClient } from '@tokobapak/sdk';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely, Migration } from 'kysely';
import type { Caller } from './caller.js';
import type { ErrorCatalogue } from './errors.js';
import type { EventEnvelope } from './events/types.js';
import type { ScheduledJob } from './jobs/types.js';
import type { Mailer } from './mail/types.js';
import type { DefaultBody, HeaderParams, PathParams, QueryParams, RequestBody } from './operation-types.js';
import type { AnyProcessDefinition, ProcessClient } from './processes/types.js';
import type { RateLimiter } from './rate-limit.js';
import type { Reply } from './reply.js';
import type { ApiKeyVerifier } from './security.js';
import type { SerializedJson } from './serialized-json.js';
import type { TokenService } from './tokens.js';

/** An OpenAPI 3.1 document as loaded from a generated `spec.ts`. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string; [key: string]: unknown };
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

/** Injected time source, so tests can move time instead of waiting for it. */
export interface Clock {
  now(): Date;
}

/**
 * The events a plugin publishes and consumes, each type with its payload type. `pnpm generate`
 * writes it from the spec's `x-events` as `<Service>Events` in the plugin's `src/generated/manifest.ts`.
 */
export interface PluginEvents {
  publishes: object;
  consumes: object;
}

/** The events of a plugin without a manifest (JavaScript, tests): any type, any payload. */
export interface UntypedEvents {
  // biome-ignore lint/suspicious/noExplicitAny: untyped plugins publish and receive anything
  publishes: Record<string, any>;
  // biome-ignore lint/suspicious/noExplicitAny: untyped plugins publish and receive anything
  consumes: Record<string, any>;
}

type Published<Ev extends PluginEvents> = keyof Ev['publishes'] & string;
type Consumed<Ev extends PluginEvents> = keyof Ev['consumes'] & string;

/** An event a plugin may publish: one of the types its spec declares, with that type's payload. */
export type PublishableEvent<Ev extends PluginEvents = UntypedEvents> = {
  [K in Published<Ev>]: { type: K; subject?: string; data: Ev['publishes'][K] };
}[Published<Ev>];

/** A delivered event of one of the types `T` a subscription names, its `data` typed by its `type`. */
export type ConsumedEvent<Ev extends PluginEvents, T extends Consumed<Ev> = Consumed<Ev>> = {
  [K in T]: EventEnvelope<Ev['consumes'][K]> & { type: K };
}[T];

/** What `pnpm generate` derives from a spec's `x-events` for its plugin (`src/generated/manifest.ts`). */
export interface PluginManifest<Ev extends PluginEvents = PluginEvents> {
  service: string;
  publishes: ReadonlyArray<Published<Ev>>;
  consumes: ReadonlyArray<Consumed<Ev>>;
  /** The producer's payload schema of every consumed type: a payload that fails it is dead-lettered before the handler runs. */
  consumedSchemas: { readonly [type: string]: Readonly<Record<string, unknown>> };
}

/** What a handler receives besides its typed request. */
export interface HandlerContext<DB, Ev extends PluginEvents = UntypedEvents> {
  /** Kysely scoped to the plugin's own Postgres schema. */
  db: Kysely<DB>;
  /** Runs `fn` in one transaction; events published through `tx.publish` commit with it. */
  transaction<T>(fn: (tx: TxContext<DB, Ev>) => Promise<T>): Promise<T>;
  /** Who is calling, established by the operation's security rule. */
  caller: Caller;
  /** Typed clients for every service, authenticated as this service. Never call them inside a transaction. */
  clients: TokoBapakClient;
  tokens: TokenService;
  mailer: Mailer;
  clock: Clock;
  log: FastifyBaseLogger;
  requestId: string;
  /** The client address (honours X-Forwarded-For only when `trustProxy` is configured). */
  ip: string;
  /** The public base URL of this server, for links in mail and redirects. */
  publicUrl: string;
  /** Starts and reads this plugin's durable processes (declared in its `processes`). Never call it inside a transaction. */
  processes: ProcessClient;
  /**
   * Counts a request against a bucket shared by every process on the database (a sliding window)
   * and throws 429 `RATE_LIMITED` with `Retry-After` once `max` is passed, e.g.
   * `await ctx.rateLimit(`auth.forgot-password:${email}`, { max: 10, windowSeconds: 3600 })`.
   */
  rateLimit: RateLimiter;
  /** Accounts as the runtime tracks them across services. */
  accounts: {
    /**
     * Records that an account is deleted: from now on the runtime refuses every write by its
     * access tokens and API keys (401), in every process on this database, though the tokens have
     * not expired. The auth service calls it as it erases a credential.
     */
    markDeleted(userId: string): Promise<void>;
  };
  /**
   * Aborted as the server begins to close, before it waits for the requests under way: a handler
   * that holds its answer back (a long poll) answers at once instead of holding the shutdown up.
   */
  stopping: AbortSignal;
}

/** A transaction: its database handle and an outbox publisher bound to it. */
export interface TxContext<DB, Ev extends PluginEvents = UntypedEvents> {
  db: Kysely<DB>;
  /** Writes an event of one of the plugin's declared types to the outbox inside this transaction; it is delivered after commit. */
  publish(event: PublishableEvent<Ev>): Promise<EventEnvelope>;
  /** Writes many events in order with a few multi-row inserts (bulk work: imports, batch updates). */
  publishMany(events: ReadonlyArray<PublishableEvent<Ev>>): Promise<EventEnvelope[]>;
  /**
   * Runs `work` once this transaction has committed, never when it rolls back: for what must follow
   * the outcome but cannot run inside the transaction (starting a process, calling a service),
   * given what the transaction wrote rather than reading it back. `work` runs synchronously right
   * after the commit; anything slow it starts, it starts in the background.
   */
  afterCommit(work: () => void): void;
}

/** The typed request a handler receives: validated and coerced by the runtime. */
export type HandlerRequest<Op> =
  IsAny<Op> extends true
    ? // biome-ignore lint/suspicious/noExplicitAny: untyped plugins (JavaScript, tests) get untyped requests
      { params: any; query: any; headers: any; body: any }
    : { params: PathParams<Op>; query: QueryParams<Op>; headers: HeaderParams<Op>; body: RequestBody<Op> };

/**
 * What a handler may return: the first success response's body (nothing, for a response without
 * one such as 204 or 202), or an explicit {@link Reply}.
 */
export type HandlerResult<Op> =
  IsAny<Op> extends true
    ? unknown
    : [DefaultBody<Op>] extends [undefined]
      ? // biome-ignore lint/suspicious/noConfusingVoidType: lets a handler for a body-less response simply not return
        undefined | void | Reply
      : DefaultBody<Op> | SerializedJson<DefaultBody<Op>> | Reply;

type IsAny<T> = 0 extends 1 & T ? true : false;

/** One operation's implementation. */
export type Handler<Op, DB, Ev extends PluginEvents = UntypedEvents> = (req: HandlerRequest<Op>, ctx: HandlerContext<DB, Ev>) => Promise<HandlerResult<Op>>;

/** Exactly one handler per spec operation: a missing or an extra key does not compile. */
export type Handlers<Ops, DB, Ev extends PluginEvents = UntypedEvents> = { [K in keyof Ops]: Handler<Ops[K], DB, Ev> };

/**
 * An event consumer of the types `T` (some of the types the plugin's spec consumes). The runtime
 * checks each payload against the producer's schema first and records what it processed, so a
 * redelivery changes nothing. Build one with {@link eventSubscriber} so that `T` is inferred.
 */
export interface Subscription<DB, Ev extends PluginEvents = UntypedEvents, T extends Consumed<Ev> = Consumed<Ev>> {
  /** Stable consumer name, unique within the plugin; offsets are stored under `<plugin>.<name>`. */
  name: string;
  /** Event types this consumer wants (exact names, declared under `x-events.consumes`). */
  types: readonly T[];
  /** Handles one event inside a transaction that also records it as processed. */
  handle(event: ConsumedEvent<Ev, T>, tx: TxContext<DB, Ev>): Promise<void>;
  /**
   * Hand over the events this server publishes right after their commit rather than on the relay's
   * next pass (someone is waiting on the outcome). Only for a handler that does not depend on arrival
   * order; see docs/events.md, "Prompt delivery" (default false).
   */
  prompt?: boolean;
}

/**
 * Returns a function that declares a subscription with its event types checked against the plugin's
 * manifest and its handler's event typed by them: a type the spec does not consume does not compile.
 *
 * @example
 * const subscribe = eventSubscriber<InventoryDatabase, InventoryEvents>();
 * export const trackStoreStatus = subscribe({
 *   name: 'track-store-status',
 *   types: [eventTypes.merchant.storeSuspended],
 *   async handle(event, tx) {
 *     await tx.db.insertInto('store_status').values({ store_id: event.data.storeId, suspended: true, changed_at: new Date(event.time) }).execute();
 *   },
 * });
 */
export function eventSubscriber<DB, Ev extends PluginEvents = UntypedEvents>(): <const T extends Consumed<Ev>>(
  subscription: Subscription<DB, Ev, T>,
) => Subscription<DB, Ev, T> {
  return (subscription) => subscription;
}

/** What `onStart` receives: everything a handler has except the per-request parts. */
export type PluginContext<DB, Ev extends PluginEvents = UntypedEvents> = Omit<HandlerContext<DB, Ev>, 'caller' | 'requestId' | 'ip'>;

/**
 * Capabilities the runtime needs and a plugin may provide, so that the runtime names no service.
 * When no loaded plugin provides one, the runtime calls the operation whose spec declares
 * `x-provides: <port>` on the service that has it, wherever it runs.
 */
export interface PluginPorts<DB, Ev extends PluginEvents = UntypedEvents> {
  /** Verifies merchant API keys (`apiKeyAuth`); the runtime caches its answers for `apiKeyCacheSeconds`. */
  apiKeyVerifier?(ctx: PluginContext<DB, Ev>): ApiKeyVerifier;
}

/** A service plugin: its spec, one handler per operation, its migrations and event subscriptions. */
export interface PluginDefinition<Ops, DB, Ev extends PluginEvents = UntypedEvents> {
  /** Service name: the Postgres schema, the SDK namespace and the `--services` name. */
  name: string;
  /** One line saying what the service provides (shown by `tokobapak services`). */
  summary: string;
  spec: OpenApiDocument;
  /** The generated `manifest` of the spec's events; without one, any event goes (and none is validated). */
  manifest?: PluginManifest<Ev>;
  handlers: Handlers<Ops, DB, Ev>;
  /** Kysely migrations, applied in name order inside the plugin's schema. */
  migrations: Record<string, Migration>;
  subscriptions?: Array<Subscription<DB, Ev>>;
  /** Durable processes the plugin starts (see docs/processes.md); listed so that a restart can resume them. */
  processes?: AnyProcessDefinition[];
  /** Periodic work, run once per interval across every server sharing the database (see docs/jobs.md). */
  jobs?: Array<ScheduledJob<DB, Ev>>;
  /** Runtime capabilities this plugin provides (see {@link PluginPorts}). */
  provides?: PluginPorts<DB, Ev>;
  /** The plugin's error catalogue (listed in `docs/errors.md`). */
  errors?: Pick<ErrorCatalogue<string>, 'specs'>;
  /** Runs once after migrations, before the server listens. */
  onStart?(ctx: PluginContext<DB, Ev>): Promise<void>;
  /** Runs once when the server closes. */
  onStop?(): Promise<void>;
}

/** A plugin with its type parameters erased, as the server holds it. */
// biome-ignore lint/suspicious/noExplicitAny: erasure point for heterogeneous plugins
export type Plugin = PluginDefinition<any, any, any>;

/**
 * Declares a plugin; `Ops` is the generated `operations` type of its spec, `DB` its table types and
 * `Ev` the generated events of its manifest: `tx.publish` then takes only the spec's own types with
 * their payloads. Without `Ev` (JavaScript, tests) any event goes.
 *
 * @example
 * export const helloPlugin = definePlugin<HelloOperations, HelloDatabase, HelloEvents>({
 *   name: 'hello', summary: 'Says hello', spec, manifest, migrations: {},
 *   handlers: { sayHello: async () => ({ message: 'hello' }) },
 * });
 */
export function definePlugin<Ops, DB, Ev extends PluginEvents = UntypedEvents>(definition: PluginDefinition<Ops, DB, Ev>): Plugin {
  return definition as Plugin;
}

import type { TokoBapakClient } from '@tokobapak/sdk';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely, Migration } from 'kysely';
import type { Caller } from './caller.js';
import type { ErrorCatalogue } from './errors.js';
import type { EventEnvelope, NewEvent } from './events/types.js';
import type { ScheduledJob } from './jobs/types.js';
import type { Mailer } from './mail/types.js';
import type { DefaultBody, HeaderParams, PathParams, QueryParams, RequestBody } from './operation-types.js';
import type { AnyProcessDefinition, ProcessClient } from './processes/types.js';
import type { RateLimiter } from './rate-limit.js';
import type { Reply } from './reply.js';
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

/** What a handler receives besides its typed request. */
export interface HandlerContext<DB> {
  /** Kysely scoped to the plugin's own Postgres schema. */
  db: Kysely<DB>;
  /** Runs `fn` in one transaction; events published through `tx.publish` commit with it. */
  transaction<T>(fn: (tx: TxContext<DB>) => Promise<T>): Promise<T>;
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
}

/** A transaction: its database handle and an outbox publisher bound to it. */
export interface TxContext<DB> {
  db: Kysely<DB>;
  /** Writes an event to the outbox inside this transaction; it is delivered after commit. */
  publish<T>(event: NewEvent<T>): Promise<EventEnvelope<T>>;
  /** Writes many events in order with a few multi-row inserts (bulk work: imports, batch updates). */
  publishMany<T>(events: Array<NewEvent<T>>): Promise<Array<EventEnvelope<T>>>;
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
export type Handler<Op, DB> = (req: HandlerRequest<Op>, ctx: HandlerContext<DB>) => Promise<HandlerResult<Op>>;

/** Exactly one handler per spec operation: a missing or an extra key does not compile. */
export type Handlers<Ops, DB> = { [K in keyof Ops]: Handler<Ops[K], DB> };

/** An event consumer. The runtime records what it processed, so a redelivery changes nothing. */
export interface Subscription<DB> {
  /** Stable consumer name, unique within the plugin; offsets are stored under `<plugin>.<name>`. */
  name: string;
  /** Event types this consumer wants (exact names). */
  types: string[];
  /** Handles one event inside a transaction that also records it as processed. */
  handle(event: EventEnvelope, tx: TxContext<DB>): Promise<void>;
}

/** What `onStart` receives: everything a handler has except the per-request parts. */
export type PluginContext<DB> = Omit<HandlerContext<DB>, 'caller' | 'requestId' | 'ip'>;

/** A service plugin: its spec, one handler per operation, its migrations and event subscriptions. */
export interface PluginDefinition<Ops, DB> {
  /** Service name: the Postgres schema, the SDK namespace and the `--services` name. */
  name: string;
  /** One line saying what the service provides (shown by `tokobapak services`). */
  summary: string;
  spec: OpenApiDocument;
  handlers: Handlers<Ops, DB>;
  /** Kysely migrations, applied in name order inside the plugin's schema. */
  migrations: Record<string, Migration>;
  subscriptions?: Array<Subscription<DB>>;
  /** Durable processes the plugin starts (see docs/processes.md); listed so that a restart can resume them. */
  processes?: AnyProcessDefinition[];
  /** Periodic work, run once per interval across every server sharing the database (see docs/jobs.md). */
  jobs?: Array<ScheduledJob<DB>>;
  /** The plugin's error catalogue (listed in `docs/errors.md`). */
  errors?: Pick<ErrorCatalogue<string>, 'specs'>;
  /** Runs once after migrations, before the server listens. */
  onStart?(ctx: PluginContext<DB>): Promise<void>;
  /** Runs once when the server closes. */
  onStop?(): Promise<void>;
}

/** A plugin with its type parameters erased, as the server holds it. */
// biome-ignore lint/suspicious/noExplicitAny: erasure point for heterogeneous plugins
export type Plugin = PluginDefinition<any, any>;

/**
 * Declares a plugin; `Ops` is the generated `operations` type of its spec, `DB` its table types.
 *
 * @example
 * export const helloPlugin = definePlugin<HelloOperations, HelloDatabase>({
 *   name: 'hello', summary: 'Says hello', spec, migrations: {},
 *   handlers: { sayHello: async () => ({ message: 'hello' }) },
 * });
 */
export function definePlugin<Ops, DB>(definition: PluginDefinition<Ops, DB>): Plugin {
  return definition;
}

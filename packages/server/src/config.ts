import type { AnonymousRateLimit } from './anonymous-rate-limit.js';
import type { CorsOrigins } from './cors.js';
import type { Database, DatabaseConfig } from './database.js';
import type { LandingPageOptions } from './landing-page.js';
import type { MailConfig } from './mail/index.js';
import type { Clock, Plugin } from './plugin.js';

/** Everything `createServer` needs; the CLI builds it from flags, `TOKOBAPAK_*` env vars and the config file. */
export interface ServerConfig {
  /** The services this process runs. */
  plugins: Plugin[];
  /** PostgreSQL (`url`) or embedded PGlite (`dataDir`, or in memory when neither is set). */
  database?: DatabaseConfig;
  /** Already-open database to use instead of `database` (tests share one). */
  openDatabase?: Database;
  /** Platform secret shared by every process of one store; generated and kept in the database when omitted. */
  secret?: string;
  /** Public base URL (links in mail, OIDC redirect URIs); defaults to the listening address. */
  publicUrl?: string;
  /** Base URLs of services that run in other processes, e.g. `{ auth: 'http://127.0.0.1:4001' }`. */
  remoteServices?: Record<string, string>;
  /**
   * How long a call to a service in `remoteServices` may wait for its answer, in ms, before the
   * caller gets 503 `SERVICE_UNAVAILABLE` ("timed out after N ms"), an unknown outcome as a refused
   * connection is (default 30,000: above the payment and shipping gateways' 10 s timeouts). The CLI
   * reads it from `TOKOBAPAK_REMOTE_SERVICE_TIMEOUT_MS` or the config file's `remoteServiceTimeoutMs`.
   */
  remoteServiceTimeoutMs?: number;
  /** Mail transport; files under `<dataDir>/mail` by default, in memory without a data folder. */
  mail?: MailConfig;
  /** Pino log level, or `false` for silence (default `warn`, as `tokobapak start`). */
  logLevel?: string | false;
  /** Apply pending migrations at start-up (default true). */
  migrate?: boolean;
  /**
   * Browser origins allowed to call the API (CORS), e.g. `['https://shop.example']` (patterns as
   * `RegExp`, such as {@link LOCALHOST_ORIGINS}); `true` allows any origin. Default: none, so only
   * same-origin pages and non-browser clients call it, and a preflight answers 403 `CORS_NOT_ENABLED`.
   */
  corsOrigins?: CorsOrigins;
  /**
   * The page at `/`: what runs, and links to the API reference and health. `demoAccounts` lists
   * accounts to try (`tokobapak start --demo` passes its own); `false` serves no page.
   */
  landingPage?: LandingPageOptions | false;
  /**
   * When set, `/metrics` answers only requests with `Authorization: Bearer <metricsToken>` (401
   * otherwise), so a public server does not tell everyone its routes, traffic and memory. The CLI
   * reads it from `TOKOBAPAK_METRICS_TOKEN`. Unset: `/metrics` is open (keep the port private).
   */
  metricsToken?: string;
  /**
   * Requests to API operations without credentials, counted per client IP in this process, over
   * which the server answers 429 `RATE_LIMITED` with `Retry-After` (see docs/security.md). Default:
   * none (`false`), so tests and benchmarks are not throttled; `tokobapak start` applies one unless
   * `TOKOBAPAK_RATE_LIMIT=off`.
   */
  rateLimit?: AnonymousRateLimit | false;
  /** Honour X-Forwarded-For when behind a reverse proxy. */
  trustProxy?: boolean;
  /** Access-token lifetime in seconds (default 900). */
  accessTokenTtl?: number;
  /** How long an API key verification is remembered, in seconds (default 30; revocation takes effect within it). */
  apiKeyCacheSeconds?: number;
  /**
   * How often each process reads the accounts other processes on its database deleted, in ms
   * (default 1,000). A deleted account's writes stop at once in the process that deleted it, and in
   * the others within two intervals at most (see docs/security.md, "Sessions").
   */
  deletedAccountsPollIntervalMs?: number;
  /**
   * PGlite only: how often tables are checked for ANALYZE / VACUUM, which PostgreSQL's autovacuum
   * would do but PGlite does not have (default 30,000 ms); `false` turns it off.
   */
  embeddedMaintenanceIntervalMs?: number | false;
  /**
   * Pass every pre-serialized response body (`SerializedJson`) through its schema serializer as
   * well, and fail the request if that would change it (an extra field, a wrong type). Costs a parse
   * per response; test servers turn it on, production leaves it off (default false).
   */
  checkSerializedJson?: boolean;
  /**
   * Calls between services loaded in this process go straight to the callee's handler, with the
   * same security, validation and response serialization but without the HTTP pipeline (default
   * true). `false` sends them through Fastify's `inject()` as requests, for comparison.
   */
  directServiceCalls?: boolean;
  /** Event relay polling interval in ms (default 250). */
  eventPollIntervalMs?: number;
  /**
   * The least time between the starts of two relay passes that commits ask for, in ms (default 50):
   * under load each pass then takes the events of several commits. The first commit after a pause
   * is relayed at once, and `prompt` consumers never wait for a pass. 0 passes at every commit.
   */
  eventMinPassIntervalMs?: number;
  /**
   * How long events are kept, in ms (default 604,800,000: 7 days). The relay deletes outbox rows
   * older than this once every consumer has moved past them and no retry or dead letter needs them,
   * and `processed_events` rows older than this whose event has left the outbox. A consumer started
   * later receives every event of this period. `false` keeps everything. See docs/events.md.
   */
  eventRetentionMs?: number | false;
  /** How often the relay prunes old events, in ms (default 300,000: 5 minutes). */
  eventPruneIntervalMs?: number;
  /**
   * How long a server's claim on a running durable process lasts without renewal, in ms (default
   * 30,000). When a server dies, another (or its next start on PostgreSQL) takes its processes over
   * after this. See docs/processes.md.
   */
  processLeaseMs?: number;
  /** How often unfinished processes of dead servers and due compensation retries are looked for, in ms (default 5,000). */
  processRecoveryIntervalMs?: number;
  /** Injected clock (tests). */
  clock?: Clock;
  /** Per-plugin options, keyed by service name (read by the plugin factories in the CLI). */
  options?: Record<string, unknown>;
}

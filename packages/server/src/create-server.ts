import { setMaxListeners } from 'node:events';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ClientOptions, TokoBapakClient } from '@tokobapak/sdk';
import { createClient, operationTable } from '@tokobapak/sdk';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { type AfterCommit, transactionThen } from './after-commit.js';
import { installAnonymousRateLimit } from './anonymous-rate-limit.js';
import { installApiDocs } from './api-docs.js';
import { cacheApiKeyVerifier, remoteApiKeyVerifier } from './api-key-cache.js';
import { type BaseContext, type BindingDeps, bindOperations, checkHandlers, InFlight } from './bind-operations.js';
import type { ServerConfig } from './config.js';
import { installCors } from './cors.js';
import { type Database, openDatabase, persistentDataDir } from './database.js';
import { ACCOUNT_DELETED, createDeletedAccounts, DELETED_ACCOUNTS_POLL_MS } from './deleted-accounts.js';
import { shareDirectQueries } from './direct-queries.js';
import { type Maintenance, startEmbeddedMaintenance } from './embedded-maintenance.js';
import { createInProcessRelay, type EventTransport, payloadChecker, writeManyToOutbox, writeToOutbox } from './events/index.js';
import type { EventEnvelope, NewEvent } from './events/types.js';
import { installErrorHandling, sendProblem } from './http-errors.js';
import { IdempotencyStore } from './idempotency.js';
import { newId } from './ids.js';
import { InProcessCalls } from './in-process-calls.js';
import { type Scheduler, startScheduler } from './jobs/index.js';
import { installLandingPage } from './landing-page.js';
import { createMailer, type MailConfig, type Mailer } from './mail/index.js';
import { applyMigrations } from './migrations.js';
import { parseMultipart } from './multipart.js';
import { installObservability } from './observability.js';
import type { Clock, Plugin, PluginContext, TxContext } from './plugin.js';
import { createProcessRuntime, type ProcessOwner, type ProcessRuntime } from './processes/index.js';
import { createRateLimiter } from './rate-limit.js';
import { qualifiedBySchema } from './schema-qualified.js';
import type { ApiKeyVerifier } from './security.js';
import { clientNamespace, createProcessFetch, createServiceClient, IN_PROCESS_ORIGIN, serviceBaseUrls } from './service-clients.js';
import { describeMissingService, findMissingServices, MissingServicesError } from './service-dependencies.js';
import { loadPlatformSecret } from './settings.js';
import { createTokenService, type TokenService } from './tokens.js';
import { insideTransaction } from './transaction-scope.js';
import { compileValidator, createValidators } from './validation.js';

/** A running (or ready to listen) TokoBapak server. */
export interface TokoBapakServer {
  app: FastifyInstance;
  database: Database;
  tokens: TokenService;
  mailer: Mailer;
  relay: EventTransport;
  plugins: Plugin[];
  /** Durable processes: `recover()` runs a recovery pass now (tests, operators). */
  processes: Pick<ProcessRuntime, 'recover'>;
  /** Scheduled jobs: `tick()` checks every job now and runs the due ones this server holds. */
  jobs: Pick<Scheduler, 'tick'>;
  /** PGlite's stand-in for autovacuum (ANALYZE / VACUUM by autovacuum's thresholds); absent on PostgreSQL or when turned off. */
  maintenance: Maintenance | undefined;
  /** The listening URL once `listen` resolved. */
  url: string | undefined;
  listen(options?: { port?: number; host?: string }): Promise<string>;
  close(): Promise<void>;
  /** An in-process SDK client (no credentials unless given), for seeding and tests. */
  client(options?: Partial<ClientOptions>): TokoBapakClient;
}

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
const systemClock: Clock = { now: () => new Date() };

/** The log level when none is given: the CLI's default too, so embedding and `tokobapak start` log alike. */
export const DEFAULT_LOG_LEVEL = 'warn';

/**
 * Loads the chosen plugins, migrates, and binds every spec operation to its handler.
 *
 * @example
 * const server = await createServer({ plugins: [authPlugin(), userPlugin()], database: { dataDir: '.data' } });
 * console.log(await server.listen({ port: 4000 }));
 */
export async function createServer(config: ServerConfig): Promise<TokoBapakServer> {
  const plugins = config.plugins;
  const names = plugins.map((plugin) => plugin.name);
  if (new Set(names).size !== names.length) throw new Error(`A service is loaded twice: ${names.join(', ')}`);
  const operationsByPlugin = new Map(plugins.map((plugin) => [plugin.name, checkHandlers(plugin)]));
  // Before the database is touched: a process that cannot reach a service it calls must not start.
  const dependencies = findMissingServices(plugins, config.remoteServices ?? {});
  if (dependencies.required.length > 0) throw new MissingServicesError(dependencies.required);

  const database = config.openDatabase ?? (await openDatabase(config.database));
  const ownsDatabase = !config.openDatabase;
  const db = database.db as Kysely<unknown>;
  try {
    if (config.migrate !== false) {
      const report = await applyMigrations(db, plugins, 'up');
      if (report.error) throw new Error(`Migration failed: ${report.error}`);
    }
    const clock = config.clock ?? systemClock;
    const secret = config.secret ?? (await loadPlatformSecret(db));
    const tokens = createTokenService({
      secret,
      ...(config.accessTokenTtl ? { accessTokenTtl: config.accessTokenTtl } : {}),
      now: () => clock.now().getTime(),
    });

    const app = Fastify({
      logger:
        config.logLevel === false
          ? false
          : {
              level: config.logLevel ?? DEFAULT_LOG_LEVEL,
              redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers["x-service-credential"]'],
            },
      trustProxy: config.trustProxy ?? false,
      requestIdHeader: 'x-request-id',
      genReqId: () => newId('req'),
      bodyLimit: 1024 * 1024,
      onProtoPoisoning: 'error',
      onConstructorPoisoning: 'error',
      // A path that is not valid percent-encoded UTF-8 (a lone surrogate's bytes, say) fails before routing.
      frameworkErrors: sendProblem,
    });
    const mailer = createMailer(config.mail ?? defaultMail(config), { log: app.log.child({ component: 'mail' }) });
    const validators = createValidators();
    app.setValidatorCompiler(({ schema, httpPart }) => compileValidator(validators, httpPart ?? 'body', schema as object));
    app.removeContentTypeParser('text/plain');
    // Buffered up to the route's body limit (an operation's `x-body-limit`), then parsed into fields and files.
    app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (request, payload, done) => {
      parseMultipart(request.headers['content-type'] ?? '', payload as Buffer).then(
        (body) => done(null, body),
        (error: Error) => done(error),
      );
    });
    // A callback hook, as every per-request hook that never waits: an async one costs a promise per request.
    app.addHook('onRequest', (request, reply, done) => {
      void reply.header('x-request-id', request.id);
      done();
    });
    installErrorHandling(app);
    await installCors(app, config.corsOrigins);
    if (config.rateLimit) {
      await installAnonymousRateLimit(app, config.rateLimit, (credential) => {
        try {
          tokens.verifyServiceToken(credential);
          return true;
        } catch {
          return false;
        }
      });
    }
    const registry = installObservability(app, { db, services: names, databaseKind: database.kind, metricsToken: config.metricsToken });
    await installApiDocs(app, plugins, version);
    if (config.landingPage !== false) installLandingPage(app, { plugins, version, databaseKind: database.kind, ...config.landingPage });

    const processFetch = createProcessFetch(app, { remoteTimeoutMs: config.remoteServiceTimeoutMs });
    const baseUrl = serviceBaseUrls(names, config.remoteServices ?? {}, Object.keys(operationTable));
    // Requests share the processes' lease: a server that died is taken over after the same wait.
    const idempotency = new IdempotencyStore(db, { leaseMs: config.processLeaseMs });
    if (database.kind === 'pglite') await idempotency.freeKeysOfOtherProcesses();
    const inFlight = new InFlight();
    // A deleted account's credentials verify until its access tokens expire and the key verifications
    // cached before its deletion run out; a minute more for clocks and a refresh racing the deletion.
    const deletedAccounts = createDeletedAccounts(db, {
      clock,
      windowMs: Math.max(tokens.accessTokenTtl, config.apiKeyCacheSeconds ?? 30) * 1000 + 60_000,
      pollIntervalMs: config.deletedAccountsPollIntervalMs ?? DELETED_ACCOUNTS_POLL_MS,
      log: app.log,
    });
    // The API key port: a loaded plugin that provides it (auth, in this process), or else the
    // operation a spec declares `x-provides: apiKeyVerifier` on, wherever its service runs.
    let providedVerifier: ApiKeyVerifier | undefined;
    const verifyApiKey = cacheApiKeyVerifier((key) => (providedVerifier ?? remoteVerifier)(key), config.apiKeyCacheSeconds);
    const bindingDeps: BindingDeps = { tokens, verifyApiKey, idempotency, inFlight, deletedAccounts, checkSerializedJson: config.checkSerializedJson ?? false };
    // Calls between the services loaded here skip the HTTP pipeline unless turned off (see in-process-calls.ts).
    const inProcess = config.directServiceCalls === false ? undefined : new InProcessCalls(app, validators, bindingDeps);
    const localNamespaces = names.map(clientNamespace);
    const clientFor = (service: string) =>
      createServiceClient({
        fetch: processFetch,
        baseUrl,
        service,
        signServiceToken: (name) => tokens.signServiceToken(name),
        ...(inProcess ? { inProcess: { namespaces: localNamespaces, dispatch: inProcess.dispatch } } : {}),
      });
    const platformClient = clientFor('platform');
    const remoteVerifier = remoteApiKeyVerifier(() => platformClient);
    for (const missing of dependencies.optional) app.log.warn({ service: missing.service, plugin: missing.plugin }, describeMissingService(missing));

    let relay: EventTransport | undefined;
    const processOwners: ProcessOwner[] = plugins.map((plugin) => ({ plugin: plugin.name, definitions: plugin.processes ?? [] }));
    const processes = createProcessRuntime({
      db,
      owners: processOwners,
      clock,
      log: app.log.child({ component: 'processes' }),
      leaseMs: config.processLeaseMs,
      recoveryIntervalMs: config.processRecoveryIntervalMs,
      exclusive: database.kind === 'pglite',
    });
    const rateLimit = createRateLimiter(db, clock);
    let publicUrl = config.publicUrl?.replace(/\/+$/, '');
    const bases = new Map<string, BaseContext>();
    const stopping = new AbortController();
    // Every request holding its answer listens to it: many at once are expected, not a leak.
    setMaxListeners(0, stopping.signal);
    for (const plugin of plugins) {
      const pluginDb = qualifiedBySchema(db, plugin.name);
      shareDirectQueries(db, pluginDb);
      const base: BaseContext = {
        db: pluginDb,
        async transaction(fn) {
          const published: EventEnvelope[] = [];
          const result = await transactionThen(pluginDb, app.log, (trx, afterCommit) =>
            insideTransaction({ service: plugin.name, opener: 'ctx.transaction' }, () =>
              fn({
                db: trx,
                async publish(event) {
                  const envelope = await writeToOutbox(trx, plugin.name, event);
                  published.push(envelope);
                  return envelope;
                },
                async publishMany(events) {
                  const envelopes = await writeManyToOutbox(trx, plugin.name, [...events]);
                  published.push(...envelopes);
                  return envelopes;
                },
                afterCommit,
              } as TxContext<unknown>),
            ),
          );
          if (published.length > 0) relay?.nudge(published);
          return result;
        },
        clients: clientFor(plugin.name),
        tokens,
        mailer,
        clock,
        get publicUrl() {
          return publicUrl ?? 'http://localhost';
        },
        processes: processes.clientFor(plugin.name),
        rateLimit,
        accounts: { markDeleted: (userId) => deletedAccounts.markDeleted(userId, clock.now()) },
        stopping: stopping.signal,
      };
      bases.set(plugin.name, base);
      const owner = processOwners.find((entry) => entry.plugin === plugin.name) as ProcessOwner;
      owner.context = pluginContext(base, app, plugin.name);
      bindOperations(
        app,
        plugin,
        operationsByPlugin.get(plugin.name) ?? [],
        base,
        bindingDeps,
        inProcess && ((bound, pluginBase) => inProcess.register(bound, pluginBase)),
      );
    }

    relay = createInProcessRelay({
      db,
      pollIntervalMs: config.eventPollIntervalMs ?? 250,
      ...(config.eventMinPassIntervalMs === undefined ? {} : { minPassIntervalMs: config.eventMinPassIntervalMs }),
      retentionMs: config.eventRetentionMs,
      pruneIntervalMs: config.eventPruneIntervalMs,
      log: app.log,
      consumers: [
        // The runtime's own consumer: accounts deleted through another database stop here too. Its
        // event is the one a spec declares `x-provides: accountDeleted` on, whose payload the generator
        // checked carries a required string `userId`.
        ...(ACCOUNT_DELETED
          ? [
              {
                name: 'tokobapak.deleted-accounts',
                types: [ACCOUNT_DELETED],
                // biome-ignore lint/suspicious/noExplicitAny: the relay hands over an untyped transaction
                handle: async (event: any, trx: Kysely<any>) => {
                  if (typeof event.data?.userId === 'string') await deletedAccounts.markDeleted(event.data.userId, new Date(event.time), trx);
                },
              },
            ]
          : []),
        ...plugins.flatMap((plugin) => {
          // The producer's schema is checked before the handler runs: a payload that breaks it is
          // dead-lettered at once with the schema error, and the events behind it keep flowing.
          const checkPayload = payloadChecker(plugin.manifest?.consumedSchemas);
          return (plugin.subscriptions ?? []).map((subscription) => ({
            name: `${plugin.name}.${subscription.name}`,
            types: [...subscription.types],
            prompt: subscription.prompt === true,
            // biome-ignore lint/suspicious/noExplicitAny: the relay hands over an untyped transaction
            handle: (event: any, trx: Kysely<any>, afterCommit: AfterCommit) => {
              checkPayload(event);
              return insideTransaction({ service: plugin.name, opener: `event consumer ${plugin.name}.${subscription.name}` }, () =>
                subscription.handle(event, {
                  db: qualifiedBySchema(trx, plugin.name),
                  publish: (next: NewEvent) => writeToOutbox(trx, plugin.name, next),
                  publishMany: (next: readonly NewEvent[]) => writeManyToOutbox(trx, plugin.name, [...next]),
                  afterCommit,
                }),
              );
            },
          }));
        }),
      ],
    });

    for (const plugin of plugins) {
      const base = bases.get(plugin.name) as BaseContext;
      const context = pluginContext(base, app, plugin.name);
      if (plugin.provides?.apiKeyVerifier) {
        if (providedVerifier) throw new Error(`Two loaded services provide API key verification; ${plugin.name} is the second`);
        providedVerifier = plugin.provides.apiKeyVerifier(context);
      }
      await plugin.onStart?.(context);
    }
    await app.ready();
    // Before the first request: a write must not pass because the window was not read yet.
    await deletedAccounts.start();
    relay.start();
    processes.start();
    const scheduler = startScheduler({
      db,
      clock,
      log: app.log.child({ component: 'jobs' }),
      registry,
      owners: plugins.map((plugin) => ({
        plugin: plugin.name,
        jobs: plugin.jobs ?? [],
        context: pluginContext(bases.get(plugin.name) as BaseContext, app, plugin.name),
      })),
    });
    const maintenance =
      database.kind === 'pglite' && config.embeddedMaintenanceIntervalMs !== false
        ? startEmbeddedMaintenance(db, { intervalMs: config.embeddedMaintenanceIntervalMs ?? 30_000, log: app.log })
        : undefined;

    const server: TokoBapakServer = {
      app,
      database,
      tokens,
      mailer,
      relay,
      plugins,
      processes,
      jobs: scheduler,
      url: undefined,
      async listen(options = {}) {
        const address = await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
        const url = address.replace('[::1]', 'localhost');
        server.url = url;
        publicUrl ??= url;
        return url;
      },
      maintenance,
      async close() {
        stopping.abort();
        await maintenance?.stop();
        await scheduler.stop();
        await relay?.stop();
        // Closing stops new connections and closes the idle ones once; a held read answered by the
        // abort above finishes its response after that, and its keep-alive connection would then
        // hold the close until the client's keep-alive timeout. Idle ones are closed until it is done.
        const closeIdle = setInterval(() => app.server.closeIdleConnections(), 50);
        try {
          await app.close();
        } finally {
          clearInterval(closeIdle);
        }
        await deletedAccounts.stop();
        // Sockets are closed, but a handler whose client hung up may still be working: let it finish.
        await inFlight.drained(10_000);
        idempotency.close();
        await processes.stop();
        for (const plugin of plugins) await plugin.onStop?.();
        if (ownsDatabase) await database.close();
      },
      client(options = {}) {
        return createClient({ baseUrl: IN_PROCESS_ORIGIN, fetch: processFetch, ...options });
      },
    };
    return server;
  } catch (error) {
    if (ownsDatabase) await database.close();
    throw error;
  }
}

function pluginContext(base: BaseContext, app: FastifyInstance, service: string): PluginContext<unknown> {
  return { ...base, log: app.log.child({ service }) };
}

function defaultMail(config: ServerConfig): MailConfig {
  const dataDir = persistentDataDir(config.database);
  return dataDir ? { transport: 'file', dir: join(dataDir, '..', 'mail') } : { transport: 'memory' };
}

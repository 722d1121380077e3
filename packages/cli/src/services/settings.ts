import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { AnonymousRateLimit } from '@tokobapak/server';
import type { LoadedStoreConfig } from './config-file.js';
import { RESERVED_CONFIG_KEYS } from './config-file.js';
import { flagVariables, remoteServiceVariable } from './environment.js';
import { CliError } from './errors.js';
import { anonymousRateLimit, parseRateLimit, RATE_LIMIT_VARIABLE } from './rate-limit-setting.js';

/** Environment variables as the CLI sees them (injected, so tests need not touch `process.env`). */
export type Env = Record<string, string | undefined>;

/** Where a resolved setting came from, highest precedence first. */
export type SettingSource = 'flag' | 'env' | 'config' | 'default';

/** Raw values of the store flags, as commander parsed them (undefined when not given). */
export interface StoreFlags {
  services?: string;
  port?: string;
  host?: string;
  data?: string;
  demo?: boolean;
  logLevel?: string;
}

/** Where the data lives. */
export type DatabaseSetting = { kind: 'postgres'; url: string; preparedStatements?: boolean } | { kind: 'pglite'; dataDir: string } | { kind: 'memory' };

/** How mail leaves the store: the server's `MailConfig`. */
export type MailSetting = { transport: 'file'; dir: string; from?: string } | { transport: 'smtp'; url: string; from?: string } | { transport: 'memory' };

/** Everything `start`, `migrate` and `services` need, resolved as flags > env > config file > defaults. */
export interface StoreSettings {
  services: string[];
  port: number;
  host: string;
  database: DatabaseSetting;
  demo: boolean;
  logLevel: string | false;
  remoteServices: Record<string, string>;
  /** How long a call to a remote service waits for its answer, in ms (`TOKOBAPAK_REMOTE_SERVICE_TIMEOUT_MS`); unset: the server's default. */
  remoteServiceTimeoutMs?: number;
  secret?: string;
  /** Bearer token `/metrics` asks for (`TOKOBAPAK_METRICS_TOKEN`); unset: open. */
  metricsToken?: string;
  publicUrl?: string;
  corsOrigins?: string[] | true;
  /** Unset: the server's default (files next to the PGlite folder, in memory otherwise). */
  mail?: MailSetting;
  /** Per-IP budget of anonymous API calls (`TOKOBAPAK_RATE_LIMIT`), or `false` for none. */
  rateLimit: AnonymousRateLimit | false;
  /** Take the client's address from X-Forwarded-For (`TOKOBAPAK_TRUST_PROXY`): behind a reverse proxy, or every client is the proxy. */
  trustProxy?: boolean;
  /** Options for each service's factory: the config key named after it. */
  serviceOptions: Record<string, unknown>;
  /** Path of the config file that was read, if any. */
  configPath?: string;
  /** Which layer each flag-backed setting came from (shown by `--json`, handy when debugging precedence). */
  sources: { services: SettingSource; port: SettingSource; host: SettingSource; data: SettingSource };
}

/** Defaults when no layer sets a value. */
export const DEFAULTS = { port: 4000, host: '127.0.0.1', dataDir: '.tokobapak/data', logLevel: 'warn' } as const;

/** The `--data` value that keeps everything in memory. */
export const IN_MEMORY = ':memory:';

/** Honour X-Forwarded-For (the server's `trustProxy`). */
export const TRUST_PROXY_VARIABLE = 'TOKOBAPAK_TRUST_PROXY';

/** Bounds the wait for a remote service's answer, in ms (the server's `remoteServiceTimeoutMs`). */
export const REMOTE_SERVICE_TIMEOUT_VARIABLE = 'TOKOBAPAK_REMOTE_SERVICE_TIMEOUT_MS';

/** Turns PostgreSQL named prepared statements off, for poolers that cannot keep them (see docs/performance-catalogue.md). */
export const PREPARED_STATEMENTS_VARIABLE = 'TOKOBAPAK_PG_PREPARED_STATEMENTS';

function withPreparedStatements(setting: DatabaseSetting & { kind: 'postgres' }, enabled: boolean | undefined): DatabaseSetting {
  return enabled === undefined ? setting : { ...setting, preparedStatements: enabled };
}

/** Inputs of {@link resolveStoreSettings}. */
export interface ResolveInput {
  flags: StoreFlags;
  env: Env;
  cwd: string;
  file: LoadedStoreConfig;
  /** Names of the built-in services: the default set, and what `services` lists may contain. */
  builtIn: string[];
}

/** Applies flags > `TOKOBAPAK_*` env > config file > defaults, validating as it goes. */
export function resolveStoreSettings({ flags, env, cwd, file, builtIn }: ResolveInput): StoreSettings {
  const config = file.config;

  const services = firstOf<string[]>(
    flags.services === undefined ? undefined : parseList(flags.services, flagVariables.services.flag),
    fromEnv(env, flagVariables.services.name, parseList),
    config.services,
    builtIn,
  );
  const unknown = services.value.filter((name) => !builtIn.includes(name));
  if (unknown.length > 0) {
    throw new CliError(
      'CLI_UNKNOWN_SERVICE',
      `Unknown service${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (from ${describeSource(services.source, 'services')}); built-in services: ${builtIn.join(', ')}`,
    );
  }

  const port = firstOf<number>(
    flags.port === undefined ? undefined : parsePort(flags.port, flagVariables.port.flag),
    fromEnv(env, flagVariables.port.name, parsePort),
    config.port,
    DEFAULTS.port,
  );
  const host = firstOf<string>(flags.host, nonEmpty(env[flagVariables.host.name]), config.host, DEFAULTS.host);

  const dataFromConfig = config.dataDir === undefined ? undefined : resolveIn(file.dir, config.dataDir);
  const data = firstOf<string>(
    flags.data === undefined ? undefined : resolveIn(cwd, flags.data),
    fromEnv(env, flagVariables.data.name, (raw) => resolveIn(cwd, raw)),
    dataFromConfig,
    resolve(cwd, DEFAULTS.dataDir),
  );
  const databaseUrl = nonEmpty(env.DATABASE_URL);
  const database: DatabaseSetting = databaseUrl
    ? withPreparedStatements({ kind: 'postgres', url: databaseUrl }, fromEnv(env, PREPARED_STATEMENTS_VARIABLE, parseBoolean))
    : data.value === IN_MEMORY
      ? { kind: 'memory' }
      : { kind: 'pglite', dataDir: data.value };

  const demo = flags.demo ?? fromEnv(env, flagVariables.demo.name, parseBoolean) ?? false;

  const logLevel = flags.logLevel ?? nonEmpty(env[flagVariables.logLevel.name]) ?? config.logLevel ?? DEFAULTS.logLevel;

  const remoteServices: Record<string, string> = { ...(config.remoteServices ?? {}) };
  for (const service of builtIn) {
    const url = nonEmpty(env[remoteServiceVariable(service)]);
    if (url !== undefined) remoteServices[service] = url;
  }
  // A service this process runs answers its own calls; a shared .env naming it remote is not an error.
  for (const service of services.value) delete remoteServices[service];
  for (const [service, url] of Object.entries(remoteServices)) {
    if (!URL.canParse(url)) throw new CliError('CLI_INVALID_VALUE', `The URL of remote service ${service} is not a URL: ${url}`);
  }

  const serviceOptions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (!RESERVED_CONFIG_KEYS.has(key)) serviceOptions[key] = value;
  }

  const settings: StoreSettings = {
    services: services.value,
    port: port.value,
    host: host.value,
    database,
    demo,
    logLevel: logLevel === 'silent' ? false : logLevel,
    remoteServices,
    serviceOptions,
    rateLimit: anonymousRateLimit(fromEnv(env, RATE_LIMIT_VARIABLE, parseRateLimit)),
    sources: { services: services.source, port: port.source, host: host.source, data: databaseUrl ? 'env' : data.source },
  };
  const remoteServiceTimeoutMs = fromEnv(env, REMOTE_SERVICE_TIMEOUT_VARIABLE, parseMilliseconds) ?? config.remoteServiceTimeoutMs;
  if (remoteServiceTimeoutMs !== undefined) settings.remoteServiceTimeoutMs = remoteServiceTimeoutMs;
  const secret = nonEmpty(env.TOKOBAPAK_SECRET);
  if (secret !== undefined) settings.secret = secret;
  const trustProxy = fromEnv(env, TRUST_PROXY_VARIABLE, parseBoolean);
  if (trustProxy !== undefined) settings.trustProxy = trustProxy;
  const metricsToken = nonEmpty(env.TOKOBAPAK_METRICS_TOKEN);
  if (metricsToken !== undefined) settings.metricsToken = metricsToken;
  const publicUrl = nonEmpty(env.TOKOBAPAK_PUBLIC_URL) ?? config.publicUrl;
  if (publicUrl !== undefined) settings.publicUrl = publicUrl;
  const corsVariable = nonEmpty(env.TOKOBAPAK_CORS_ORIGINS);
  const corsOrigins =
    corsVariable === '*'
      ? true
      : corsVariable
        ? corsVariable
            .split(',')
            .map((origin) => origin.trim())
            .filter(Boolean)
        : config.corsOrigins;
  if (corsOrigins !== undefined) settings.corsOrigins = corsOrigins;
  const mail = resolveMail(env, cwd, file, database);
  if (mail !== undefined) settings.mail = mail;
  if (file.path !== undefined) settings.configPath = file.path;
  return settings;
}

/**
 * Mail settings: each `TOKOBAPAK_MAIL_*` variable overrides the matching `mail` key of the config
 * file. Undefined when neither sets anything, so the server picks its default.
 */
function resolveMail(env: Env, cwd: string, file: LoadedStoreConfig, database: DatabaseSetting): MailSetting | undefined {
  const fromFile = file.config.mail ?? {};
  const envDir = nonEmpty(env.TOKOBAPAK_MAIL_DIR);
  const dir = envDir !== undefined ? resolve(cwd, envDir) : fromFile.dir !== undefined ? resolveIn(file.dir, fromFile.dir) : undefined;
  const url = nonEmpty(env.TOKOBAPAK_SMTP_URL) ?? fromFile.smtpUrl;
  const from = nonEmpty(env.TOKOBAPAK_MAIL_FROM) ?? fromFile.from;
  const transport =
    nonEmpty(env.TOKOBAPAK_MAIL_TRANSPORT) ?? fromFile.transport ?? (url !== undefined ? 'smtp' : dir !== undefined || from !== undefined ? 'file' : undefined);
  const withFrom = from === undefined ? {} : { from };
  switch (transport) {
    case undefined:
      return undefined;
    case 'file':
      // The server's default folder: `mail` beside the PGlite data folder.
      return { transport, dir: dir ?? (database.kind === 'pglite' ? join(dirname(database.dataDir), 'mail') : resolve(cwd, '.tokobapak/mail')), ...withFrom };
    case 'smtp':
      if (url === undefined) throw new CliError('CLI_INVALID_VALUE', 'The smtp mail transport needs TOKOBAPAK_SMTP_URL (or mail.smtpUrl in the config file)');
      if (!/^smtps?:\/\//i.test(url)) throw new CliError('CLI_INVALID_VALUE', `TOKOBAPAK_SMTP_URL must start with smtp:// or smtps://, got "${url}"`);
      return { transport, url, ...withFrom };
    case 'memory':
      return { transport };
    default:
      throw new CliError('CLI_INVALID_VALUE', `TOKOBAPAK_MAIL_TRANSPORT must be file, smtp or memory, got "${transport}"`);
  }
}

/** Reads the `--json` / `TOKOBAPAK_JSON` switch. */
export function resolveJson(flag: boolean | undefined, env: Env): boolean {
  if (flag !== undefined) return flag;
  return fromEnv(env, flagVariables.json.name, parseBoolean) ?? false;
}

/** Splits `a, b,,c` into `['a', 'b', 'c']`, rejecting an empty list. */
export function parseList(raw: string, where: string): string[] {
  const items = raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) throw new CliError('CLI_INVALID_VALUE', `${where} needs at least one name, got "${raw}"`);
  return [...new Set(items)];
}

/** Parses a TCP port, naming the flag or variable it came from when it is not one. */
export function parsePort(raw: string, where: string): number {
  const port = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliError('CLI_INVALID_VALUE', `${where} must be a port number from 0 to 65535, got "${raw}"`);
  }
  return port;
}

/** Parses a whole positive number of milliseconds, naming the variable it came from when it is not one. */
export function parseMilliseconds(raw: string, where: string): number {
  const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 1)
    throw new CliError('CLI_INVALID_VALUE', `${where} must be a whole number of milliseconds above 0, got "${raw}"`);
  return value;
}

/** Parses `true/false/1/0/yes/no/on/off` (any case). */
export function parseBoolean(raw: string, where: string): boolean {
  const value = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw new CliError('CLI_INVALID_VALUE', `${where} must be true or false, got "${raw}"`);
}

function firstOf<T>(flag: T | undefined, env: T | undefined, config: T | undefined, fallback: T): { value: T; source: SettingSource } {
  if (flag !== undefined) return { value: flag, source: 'flag' };
  if (env !== undefined) return { value: env, source: 'env' };
  if (config !== undefined) return { value: config, source: 'config' };
  return { value: fallback, source: 'default' };
}

function describeSource(source: SettingSource, key: keyof typeof flagVariables): string {
  const variable = flagVariables[key];
  return { flag: variable.flag.split(' ')[0], env: variable.name, config: 'the config file', default: 'the defaults' }[source] ?? source;
}

function resolveIn(base: string, path: string): string {
  return path === IN_MEMORY ? IN_MEMORY : isAbsolute(path) ? path : resolve(base, path);
}

/** Parses a variable when it is set to something other than blanks. */
function fromEnv<T>(env: Env, name: string, parse: (raw: string, where: string) => T): T | undefined {
  const raw = nonEmpty(env[name]);
  return raw === undefined ? undefined : parse(raw, name);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** The config file named by `--config` or `TOKOBAPAK_CONFIG`, if either is set. */
export function resolveConfigPath(flag: string | undefined, env: Env): string | undefined {
  return flag ?? nonEmpty(env[flagVariables.config.name]);
}

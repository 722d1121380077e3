import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CliError } from './errors.js';

/** The file `tokobapak start`, `migrate` and `services` read from the current folder when present. */
export const CONFIG_FILE_NAME = 'tokobapak.config.mjs';

/** Mail settings of a store; `TOKOBAPAK_MAIL_*` and `TOKOBAPAK_SMTP_URL` override each key. */
export interface StoreMailConfig {
  /** `file` (default), `smtp` or `memory`. */
  transport?: string;
  /** Folder of the file transport, relative to the config file. */
  dir?: string;
  /** SMTP connection URL of the smtp transport. */
  smtpUrl?: string;
  /** Sender address. */
  from?: string;
}

/**
 * The default export of `tokobapak.config.mjs`. Flags and `TOKOBAPAK_*` variables override it;
 * every other key is the options object of the service it is named after (`auth: { ... }`).
 *
 * @example
 * // tokobapak.config.mjs
 * /** @type {import('tokobapak').StoreConfig} *\/
 * export default { services: ['auth', 'user'], port: 4000, auth: { oidcProviders: [] } };
 */
export interface StoreConfig {
  /** Services this process runs (default: every built-in service). */
  services?: string[];
  port?: number;
  host?: string;
  /** PGlite data folder, relative to the config file. */
  dataDir?: string;
  /** Public base URL (links in mail, OIDC redirect URIs). */
  publicUrl?: string;
  /** Browser origins allowed to call the API (CORS); `true` for any. */
  corsOrigins?: string[] | true;
  /** Base URLs of services that run in other processes, e.g. `{ auth: 'http://127.0.0.1:4001' }`. */
  remoteServices?: Record<string, string>;
  /** How long a call to a remote service waits for its answer, in ms (default 30,000). */
  remoteServiceTimeoutMs?: number;
  mail?: StoreMailConfig;
  /** Server log level, or `false` for silence. */
  logLevel?: string | false;
  /** Options of the service named by the key. */
  [service: string]: unknown;
}

/** A config file as loaded: where it was (if anywhere) and what it exports. */
export interface LoadedStoreConfig {
  /** Absolute path of the file, or undefined when there was none. */
  path: string | undefined;
  /** Folder that relative paths in the file are resolved against. */
  dir: string;
  config: StoreConfig;
}

/** Keys of {@link StoreConfig} that are not service options. */
export const RESERVED_CONFIG_KEYS = new Set([
  'services',
  'port',
  'host',
  'dataDir',
  'publicUrl',
  'corsOrigins',
  'remoteServices',
  'remoteServiceTimeoutMs',
  'mail',
  'logLevel',
]);

/**
 * Loads the store config: `explicitPath` (from `--config`/`TOKOBAPAK_CONFIG`) must exist; otherwise
 * `tokobapak.config.mjs` in `cwd` is used when present, and an empty config when not.
 */
export async function loadStoreConfig(cwd: string, explicitPath?: string): Promise<LoadedStoreConfig> {
  const path = resolve(cwd, explicitPath ?? CONFIG_FILE_NAME);
  if (!existsSync(path)) {
    if (explicitPath !== undefined) throw new CliError('CLI_CONFIG_NOT_FOUND', `Config file not found: ${path}`);
    return { path: undefined, dir: cwd, config: {} };
  }
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (error) {
    throw new CliError('CLI_CONFIG_INVALID', `Could not load ${path}: ${(error as Error).message}`);
  }
  return { path, dir: dirname(path), config: validateStoreConfig(module.default, path) };
}

/** Checks the shape of a config file's default export, naming the first wrong key. */
export function validateStoreConfig(value: unknown, path = CONFIG_FILE_NAME): StoreConfig {
  const fail = (message: string): never => {
    throw new CliError('CLI_CONFIG_INVALID', `${path}: ${message}`);
  };
  if (value === undefined) return fail('has no default export (expected `export default { ... }`)');
  if (!isPlainObject(value)) return fail('the default export must be an object');
  const config = value as Record<string, unknown>;
  if (config.services !== undefined && !(Array.isArray(config.services) && config.services.every((s) => typeof s === 'string'))) {
    fail('`services` must be an array of service names');
  }
  if (config.port !== undefined && !(Number.isInteger(config.port) && (config.port as number) >= 0 && (config.port as number) <= 65535)) {
    fail('`port` must be an integer from 0 to 65535');
  }
  for (const key of ['host', 'dataDir', 'publicUrl'] as const) {
    if (config[key] !== undefined && typeof config[key] !== 'string') fail(`\`${key}\` must be a string`);
  }
  if (
    config.corsOrigins !== undefined &&
    config.corsOrigins !== true &&
    !(Array.isArray(config.corsOrigins) && config.corsOrigins.every((origin) => typeof origin === 'string'))
  ) {
    fail('`corsOrigins` must be an array of origins, or true');
  }
  if (config.logLevel !== undefined && typeof config.logLevel !== 'string' && config.logLevel !== false) {
    fail('`logLevel` must be a level name or false');
  }
  if (config.remoteServices !== undefined) {
    if (!isPlainObject(config.remoteServices)) fail('`remoteServices` must map service names to URLs');
    for (const [service, url] of Object.entries(config.remoteServices as object)) {
      if (typeof url !== 'string') fail(`\`remoteServices.${service}\` must be a URL string`);
    }
  }
  if (config.remoteServiceTimeoutMs !== undefined && !(Number.isSafeInteger(config.remoteServiceTimeoutMs) && (config.remoteServiceTimeoutMs as number) > 0)) {
    fail('`remoteServiceTimeoutMs` must be a whole number of milliseconds above 0');
  }
  if (config.mail !== undefined) {
    if (!isPlainObject(config.mail)) fail('`mail` must be an object');
    for (const [key, setting] of Object.entries(config.mail as object)) {
      if (!['transport', 'dir', 'smtpUrl', 'from'].includes(key)) fail(`\`mail.${key}\` is not a mail setting (transport, dir, smtpUrl, from)`);
      if (typeof setting !== 'string') fail(`\`mail.${key}\` must be a string`);
    }
  }
  return config as StoreConfig;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

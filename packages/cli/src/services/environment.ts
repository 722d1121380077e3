/**
 * Every environment variable the CLI reads, in one table: the commands build their flags from it
 * (so each flag names its variable in `--help`), and the store template's `.env.example` and
 * `docs/cli.md` list it.
 */
import { HEAP_GROWING_PERCENT_VARIABLE } from './heap-growth.js';
import { WASM_TIER_UP_VARIABLE } from './wasm-tiering.js';

/** One environment variable and, when it mirrors a flag, that flag. */
export interface EnvVar {
  name: string;
  description: string;
  /** A value to show in `.env.example`. */
  example: string;
  /** Commander flag syntax, for variables that mirror a flag. */
  flag?: string;
  /** The service that reads it, for variables a plugin reads rather than the CLI. */
  service?: string;
}

/** Variables that mirror a flag: `--log-level` is `TOKOBAPAK_LOG_LEVEL`. */
export const flagVariables = {
  json: {
    flag: '--json',
    name: 'TOKOBAPAK_JSON',
    description: 'print one JSON document instead of text',
    example: 'true',
  },
  config: {
    flag: '--config <file>',
    name: 'TOKOBAPAK_CONFIG',
    description: 'store config file (default: ./tokobapak.config.mjs when present)',
    example: 'tokobapak.config.mjs',
  },
  services: {
    flag: '--services <names>',
    name: 'TOKOBAPAK_SERVICES',
    description: 'comma-separated services to run (default: every built-in service)',
    example: 'auth,user',
  },
  port: {
    flag: '--port <number>',
    name: 'TOKOBAPAK_PORT',
    description: 'HTTP port (default: 4000; 0 picks a free one)',
    example: '4000',
  },
  host: {
    flag: '--host <host>',
    name: 'TOKOBAPAK_HOST',
    description: 'interface to listen on (default: 127.0.0.1; 0.0.0.0 for every interface)',
    example: '127.0.0.1',
  },
  data: {
    flag: '--data <dir>',
    name: 'TOKOBAPAK_DATA',
    description: 'PGlite data folder (default: .tokobapak/data; ":memory:" keeps nothing); ignored when DATABASE_URL is set',
    example: '.tokobapak/data',
  },
  demo: {
    flag: '--demo',
    name: 'TOKOBAPAK_DEMO',
    description: 'seed demo users after start-up (idempotent) and print their credentials',
    example: 'false',
  },
  logLevel: {
    flag: '--log-level <level>',
    name: 'TOKOBAPAK_LOG_LEVEL',
    description: 'server log level: fatal, error, warn, info, debug, trace or silent (default: warn)',
    example: 'warn',
  },
  name: {
    flag: '--name <store name>',
    name: 'TOKOBAPAK_NAME',
    description: 'store name shown in the README and package.json (default: the folder name)',
    example: 'Toko Bapak',
  },
  link: {
    flag: '--link <workspace>',
    name: 'TOKOBAPAK_LINK',
    description:
      'install the packages of this (built) TokoBapak checkout, packed into the project\'s vendor/ (default: when the CLI runs from a checkout); "false" is --no-link',
    example: '../tokobapak',
  },
} as const satisfies Record<string, EnvVar & { flag: string }>;

/** Variables with no flag: connection strings and secrets stay out of shell history and `ps`. */
export const otherVariables: EnvVar[] = [
  {
    name: 'DATABASE_URL',
    description: 'PostgreSQL connection string; when set, PostgreSQL is used instead of the PGlite data folder',
    example: 'postgres://postgres@127.0.0.1:5432/tokobapak',
  },
  {
    name: 'TOKOBAPAK_PG_PREPARED_STATEMENTS',
    description:
      'with DATABASE_URL: send hot queries as named prepared statements (default true); "false" behind a pooler that cannot keep them (PgBouncer in transaction mode before 1.21)',
    example: 'true',
  },
  {
    name: 'TOKOBAPAK_SECRET',
    description: 'platform secret shared by every process of one store (generated and kept in the database when unset)',
    example: 'change-me-to-a-long-random-string',
  },
  {
    name: 'TOKOBAPAK_METRICS_TOKEN',
    description: '/metrics answers only requests with Authorization: Bearer <this token> (unset: /metrics is open; keep the port private)',
    example: 'a-long-random-string-for-prometheus',
  },
  {
    name: 'TOKOBAPAK_RATE_LIMIT',
    description:
      'requests one client address may make to the API without signing in, per window, as <max>/<seconds> (default 600/60; shipping quotes 120/60 apart); "off" for none. Counted per process',
    example: '600/60',
  },
  {
    name: 'TOKOBAPAK_TRUST_PROXY',
    description: 'true behind a reverse proxy: the client address (for the rate limit and logs) is taken from X-Forwarded-For',
    example: 'false',
  },
  {
    name: 'TOKOBAPAK_PUBLIC_URL',
    description: 'public base URL for links in mail and OIDC redirects (default: the listening address)',
    example: 'https://shop.example.com',
  },
  {
    name: 'TOKOBAPAK_CORS_ORIGINS',
    description: 'comma-separated browser origins allowed to call the API (CORS), or * for any; unset: none',
    example: 'https://shop.example.com,https://admin.shop.example.com',
  },
  {
    name: 'TOKOBAPAK_MAIL_TRANSPORT',
    description: 'file (one file per message; the default with a PGlite folder), smtp, or memory (the default otherwise)',
    example: 'file',
  },
  {
    name: 'TOKOBAPAK_MAIL_DIR',
    description: 'folder of the file mail transport (default: "mail" beside the data folder, i.e. .tokobapak/mail)',
    example: '.tokobapak/mail',
  },
  {
    name: 'TOKOBAPAK_SMTP_URL',
    description: 'SMTP server for the smtp mail transport (setting it implies TOKOBAPAK_MAIL_TRANSPORT=smtp)',
    example: 'smtp://user:password@127.0.0.1:587',
  },
  {
    name: 'TOKOBAPAK_MAIL_FROM',
    description: 'sender address of outgoing mail',
    example: 'Toko Bapak <no-reply@example.com>',
  },
  {
    name: 'TOKOBAPAK_<SERVICE>_URL',
    description:
      'base URL of a service that runs in another process, e.g. TOKOBAPAK_AUTH_URL (hyphens become underscores); a service loaded locally ignores it',
    example: 'http://127.0.0.1:4001',
  },
  {
    name: 'TOKOBAPAK_ADMIN_EMAILS',
    description: 'comma-separated emails that get the admin role when their account is created',
    example: 'owner@example.com',
    service: 'auth',
  },
  {
    name: 'TOKOBAPAK_OIDC_<ID>_CLIENT_ID',
    description: 'OpenID Connect client of provider <ID> (also _CLIENT_SECRET, _ISSUER, _NAME, _SCOPES); wins over auth.oidcProviders in the config file',
    example: '123.apps.googleusercontent.com',
    service: 'auth',
  },
  {
    name: 'TOKOBAPAK_URL',
    description: "base URL of a running store, read by the store's seed.mjs",
    example: 'http://127.0.0.1:4000',
  },
  {
    name: WASM_TIER_UP_VARIABLE,
    description: "on: start lets V8 optimise PGlite's WebAssembly in background threads (default off: baseline code only, about 50 MiB less memory)",
    example: 'on',
  },
  {
    name: HEAP_GROWING_PERCENT_VARIABLE,
    description:
      "how far start lets V8's old generation grow past its live size before a full collection, in percent (default 100; 0 leaves it to V8, up to 300)",
    example: '100',
  },
];

/** The variable naming a remote service's base URL: `product-review` → `TOKOBAPAK_PRODUCT_REVIEW_URL`. */
export function remoteServiceVariable(service: string): string {
  return `TOKOBAPAK_${service.toUpperCase().replaceAll('-', '_')}_URL`;
}

/** The variable that mirrors a long flag: `--log-level` → `TOKOBAPAK_LOG_LEVEL`. */
export function variableForFlag(longFlag: string): string {
  return `TOKOBAPAK_${longFlag
    .replace(/^--(no-)?/, '')
    .toUpperCase()
    .replaceAll('-', '_')}`;
}

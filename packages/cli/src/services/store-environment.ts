import type { EnvVar } from './environment.js';
import { DEFAULTS } from './settings.js';

/**
 * The variables of `tokobapak store`, each mirroring a flag. Kept beside the command's services so
 * that the store command is one self-contained unit; `docs/cli.md` lists them with the others.
 */
export const storeVariables = {
  url: {
    flag: '--url <url>',
    name: 'TOKOBAPAK_URL',
    description: 'base URL of the running store (default: http://127.0.0.1:4000)',
    example: 'http://127.0.0.1:4000',
  },
  apiKey: {
    flag: '--api-key <secret>',
    name: 'TOKOBAPAK_API_KEY',
    description: 'a store-scoped API key, instead of the session of `tokobapak login` (prefer the variable: keys in flags end up in shell history)',
    example: 'tbk_live_…',
  },
  email: {
    flag: '--email <email>',
    name: 'TOKOBAPAK_EMAIL',
    description: 'sign in with this email (with --password); `tokobapak login` keeps a session instead',
    example: 'owner@example.com',
  },
  password: {
    flag: '--password <password>',
    name: 'TOKOBAPAK_PASSWORD',
    description: 'the password for --email (prefer the variable)',
    example: 'a-long-password',
  },
  store: {
    flag: '--store <handle or id>',
    name: 'TOKOBAPAK_STORE',
    description: 'the store to act in, by handle or id (default: the one your session acts in, or your only store)',
    example: 'toko-bapak',
  },
  name: {
    flag: '--name <store name>',
    name: 'TOKOBAPAK_NAME',
    description: 'display name of the new store',
    example: 'Toko Bapak',
  },
  handle: {
    flag: '--handle <handle>',
    name: 'TOKOBAPAK_HANDLE',
    description: 'unique handle of the new store (3-40 letters, digits and hyphens)',
    example: 'toko-bapak',
  },
  role: {
    flag: '--role <role>',
    name: 'TOKOBAPAK_ROLE',
    description: 'role of the invited person: staff or manager (default: staff)',
    example: 'staff',
  },
  to: {
    flag: '--to <user id or email>',
    name: 'TOKOBAPAK_TO',
    description: "the member who becomes the store's owner: their user id (usr_…) or their email",
    example: 'usr_01jd2x7k9q3m4n5p6r7s8t9v0w',
  },
} as const satisfies Record<string, EnvVar & { flag: string }>;

/** The default `--url` of every command that talks to a running store: `tokobapak start`'s default address. */
export const DEFAULT_STORE_URL = `http://${DEFAULTS.host}:${DEFAULTS.port}`;

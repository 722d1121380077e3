import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StoredTokens, TokenStore } from '@tokobapak/sdk';
import { CliError } from './errors.js';
import type { Env } from './settings.js';

/** The variable naming the folder where `tokobapak login` keeps its session. */
export const CONFIG_DIR_VARIABLE = 'TOKOBAPAK_CONFIG_DIR';

/** What `tokobapak login` remembers: where, who, the token pair, and the store it acts in. */
export interface StoredSession {
  url: string;
  email: string;
  accessToken: string;
  refreshToken: string;
  /** The store the tokens act in (a store session), if any. */
  store?: { id: string; handle: string } | undefined;
}

/**
 * `TOKOBAPAK_CONFIG_DIR`, else `$XDG_CONFIG_HOME/tokobapak`, else `~/.config/tokobapak`; undefined
 * in an environment with none of them (a test's, a bare container's), which keeps no session.
 */
export function configDir(env: Env): string | undefined {
  const explicit = env[CONFIG_DIR_VARIABLE];
  if (explicit) return explicit;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'tokobapak');
  return env.HOME ? join(env.HOME, '.config', 'tokobapak') : undefined;
}

/** The session file; it holds a refresh token, so only its owner may read it (mode 0600). */
export function sessionPath(env: Env): string | undefined {
  const dir = configDir(env);
  return dir === undefined ? undefined : join(dir, 'session.json');
}

/** The stored session, or undefined when nobody is signed in. */
export function readSession(env: Env): StoredSession | undefined {
  const path = sessionPath(env);
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const session = JSON.parse(text) as StoredSession;
    return typeof session.accessToken === 'string' && typeof session.refreshToken === 'string' ? session : undefined;
  } catch {
    throw new CliError('CLI_CONFIG_INVALID', `${path} is not a session file; remove it and sign in again with \`tokobapak login\``);
  }
}

/** Writes the session, readable by its owner only. */
export function writeSession(env: Env, session: StoredSession): void {
  const dir = configDir(env);
  if (dir === undefined) throw new CliError('CLI_INVALID_VALUE', `Nowhere to keep the session: set ${CONFIG_DIR_VARIABLE} (or HOME)`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'session.json');
  writeFileSync(path, `${JSON.stringify(session, null, 2)}\n`, { mode: 0o600 });
  // writeFileSync's mode applies only when it creates the file.
  chmodSync(path, 0o600);
}

/** Forgets the session. */
export function removeSession(env: Env): void {
  const path = sessionPath(env);
  if (path !== undefined) rmSync(path, { force: true });
}

/**
 * The SDK's token store over the session file: a refresh or a store switch is written back at
 * once, so the next command starts with the newest pair; a rejected refresh token signs out.
 */
export function sessionTokenStore(env: Env, session: StoredSession): TokenStore {
  let current: StoredSession | undefined = session;
  return {
    get: (): StoredTokens | undefined => (current ? { accessToken: current.accessToken, refreshToken: current.refreshToken } : undefined),
    set: (tokens) => {
      if (!tokens) {
        current = undefined;
        removeSession(env);
        return;
      }
      current = { ...(current ?? session), ...tokens };
      writeSession(env, current);
    },
  };
}

/** Records the store the session now acts in (after `auth.selectStore`). */
export function rememberStore(env: Env, store: { id: string; handle: string }): void {
  const session = readSession(env);
  if (session) writeSession(env, { ...session, store });
}

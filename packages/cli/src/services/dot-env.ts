import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { CliError } from './errors.js';
import type { Env } from './settings.js';

/** The file a store keeps its environment in; the scaffolded `.env.example` is its template. */
export const DOT_ENV_FILE = '.env';

/**
 * Reads `.env` from the working folder into `env`, as the scaffolded README promises. A variable
 * already set (in the shell, by a process manager) wins over the file, as with `node --env-file`.
 * Returns the names it set.
 */
export function applyDotEnv(cwd: string, env: Env): string[] {
  const path = join(cwd, DOT_ENV_FILE);
  if (!existsSync(path)) return [];
  let parsed: Record<string, string>;
  try {
    parsed = parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
  } catch (error) {
    throw new CliError('CLI_CONFIG_INVALID', `Could not read ${path}: ${(error as Error).message}`);
  }
  const set: string[] = [];
  for (const [name, value] of Object.entries(parsed)) {
    if (env[name] !== undefined) continue;
    env[name] = value;
    set.push(name);
  }
  return set;
}

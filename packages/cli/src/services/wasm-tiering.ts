import { setFlagsFromString } from 'node:v8';
import type { DatabaseSetting } from './settings.js';

/** Set to `on` to let V8 optimise PGlite's WebAssembly as it does by default. */
export const WASM_TIER_UP_VARIABLE = 'TOKOBAPAK_WASM_TIER_UP';

/**
 * Before PGlite compiles its WebAssembly: keep it on V8's baseline compiler (Liftoff) instead of
 * recompiling hot functions with the optimising one in background threads. Those compilations
 * (many on a first start, where every migration's code runs once) free their working memory into
 * glibc's thread arenas, which held 87–95 MiB after a demo's first start; the optimised code ran
 * PostgreSQL's queries no faster measurably (docs/performance.md, "Embedded memory"). Only for
 * PGlite (a folder or `:memory:`), and only in a process `start` owns: the flags are global to V8,
 * and set before any module they apply to is compiled.
 */
export function keepPgliteOnBaselineCompiler(database: DatabaseSetting, env: NodeJS.ProcessEnv): boolean {
  if (database.kind === 'postgres' || env[WASM_TIER_UP_VARIABLE] === 'on') return false;
  setFlagsFromString('--no-wasm-tier-up');
  setFlagsFromString('--no-wasm-dynamic-tiering');
  return true;
}

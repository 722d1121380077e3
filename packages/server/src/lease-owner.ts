import { hostname } from 'node:os';
import { newId } from './ids.js';

/**
 * What every lease holder id of this OS process starts with (`host/pid/`). On PGlite only one OS
 * process opens the data folder, so a lease held under any other prefix belongs to a process that
 * is gone and can be freed at once instead of waiting for it to run out.
 */
export const OWNER_PREFIX = `${hostname()}/${process.pid}/`;

/** A new lease holder id in this OS process (one per server component, so servers sharing a process stay apart). */
export function leaseOwner(kind: string): string {
  return `${OWNER_PREFIX}${newId(kind).slice(-8)}`;
}

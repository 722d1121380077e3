import { availableParallelism } from 'node:os';
import { type Algorithm, hash, verify } from '@node-rs/argon2';
import pLimit from 'p-limit';

// The library exports Argon2id as an ambient const enum member (2), which isolated modules cannot read.
const ARGON2ID = 2 as Algorithm.Argon2id;

/** Argon2id cost; OWASP's minimum recommendation (19 MiB, 2 passes, 1 lane) by default. */
export interface PasswordCost {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export const DEFAULT_PASSWORD_COST: PasswordCost = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** Hashes and verifies passwords with a fixed cost. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** Spends the same time as a real verification, so unknown emails cannot be told apart by timing. */
  verifyDummy(password: string): Promise<void>;
}

/**
 * An Argon2id hasher (native, off the event loop). At most one hash per core runs at a time: more
 * would not finish sooner (the work is CPU-bound) but each holds `memoryCost` of memory, so a burst
 * of sign-ins would grow the process by 19 MiB per extra hash in flight.
 */
export function createPasswordHasher(cost: PasswordCost = DEFAULT_PASSWORD_COST, concurrency = availableParallelism()): PasswordHasher {
  const options = { ...cost, algorithm: ARGON2ID };
  const limit = pLimit(Math.max(1, concurrency));
  let dummy: Promise<string> | undefined;
  return {
    hash: (password) => limit(() => hash(password, options)),
    async verify(stored, password) {
      try {
        return await limit(() => verify(stored, password));
      } catch {
        return false;
      }
    },
    async verifyDummy(password) {
      dummy ??= limit(() => hash('not-a-real-password', options));
      const stored = await dummy;
      await limit(() => verify(stored, password)).catch(() => false);
    },
  };
}

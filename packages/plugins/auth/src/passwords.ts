import { type Algorithm, hash, verify } from '@node-rs/argon2';

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

/** An Argon2id hasher (native, off the event loop). */
export function createPasswordHasher(cost: PasswordCost = DEFAULT_PASSWORD_COST): PasswordHasher {
  const options = { ...cost, algorithm: ARGON2ID };
  let dummy: Promise<string> | undefined;
  return {
    hash: (password) => hash(password, options),
    async verify(stored, password) {
      try {
        return await verify(stored, password);
      } catch {
        return false;
      }
    },
    async verifyDummy(password) {
      dummy ??= hash('not-a-real-password', options);
      await verify(await dummy, password).catch(() => false);
    },
  };
}

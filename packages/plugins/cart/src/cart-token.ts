import { createHash } from 'node:crypto';
import { secureRandomBytes } from '@tokobapak/server';

/** A new guest cart token: 32 random bytes (from the CSPRNG, in batches), shown to the guest once and never stored. */
export function newCartToken(): string {
  return `ctk_${secureRandomBytes(32).toString('base64url')}`;
}

/**
 * What is stored and looked up instead of the token. The token has 256 random bits, so a fast
 * hash is enough (nothing to brute-force) and the lookup is one indexed equality.
 */
export function hashCartToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

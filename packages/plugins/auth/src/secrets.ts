import { createHash, randomBytes } from 'node:crypto';

/** A random, URL-safe secret with `bytes` of entropy, prefixed so leaked values are recognisable. */
export function randomSecret(prefix: string, bytes = 32): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}

/**
 * SHA-256 of a high-entropy secret. Refresh tokens, reset tokens and API keys are random 256-bit
 * values, so a fast hash is enough to make a stolen table useless; passwords use Argon2id instead.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Emails compare case-insensitively and without surrounding space. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

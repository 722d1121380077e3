import { authErrors } from './errors.js';

// Long enough to pass the spec's 10-character minimum, yet first in every cracking list.
const COMMON = new Set([
  '1234567890',
  '0123456789',
  'qwertyuiop',
  'password123',
  'password1234',
  '1q2w3e4r5t',
  'iloveyou123',
  'abcdefghij',
  'passw0rd123',
  'qwerty12345',
  '12345678910',
  'aaaaaaaaaa',
]);

/**
 * Refuses passwords that are long enough but trivially guessable: well-known ones, ones built from
 * the account's own email, or ones with almost no distinct characters. Length limits live in the spec.
 */
export function assertStrongPassword(password: string, email?: string): void {
  const lowered = password.toLowerCase();
  if (COMMON.has(lowered)) throw authErrors.AUTH_WEAK_PASSWORD('This password is on lists of common passwords');
  if (new Set(lowered).size < 4) throw authErrors.AUTH_WEAK_PASSWORD('Use at least four different characters');
  const local = email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && lowered.includes(local)) throw authErrors.AUTH_WEAK_PASSWORD('The password must not contain your email address');
}

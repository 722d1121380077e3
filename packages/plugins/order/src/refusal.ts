import { isRefusal } from '@tokobapak/server';

// 4xx answers that say "not now" rather than "no": the request they answer may still take effect
// (another call with the same idempotency key is running) or may be asked again later.
const NOT_NOW_CODES = new Set(['IDEMPOTENCY_IN_PROGRESS', 'RATE_LIMITED']);

/**
 * True when another service turned the request down for good (a coded 4xx, see `isRefusal`), so
 * that what was asked was not done and will not be. A failure, no answer, or a "not now" is not
 * such an answer: the caller cannot tell what happened and must ask again later.
 */
export function isFinalRefusal(error: unknown): boolean {
  const code = (error as { problem?: { code?: unknown } } | null)?.problem?.code;
  return isRefusal(error) && !(typeof code === 'string' && NOT_NOW_CODES.has(code));
}

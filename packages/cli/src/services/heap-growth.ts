import { CliError } from './errors.js';

/** How far V8's old generation may grow past its live size before a full collection, in percent; `0` leaves it to V8. */
export const HEAP_GROWING_PERCENT_VARIABLE = 'TOKOBAPAK_HEAP_GROWING_PERCENT';

/**
 * The percent `start` fixes V8's old-generation growth at (`limitHeapGrowth` in `@tokobapak/server`
 * explains the default), or `undefined` for that default. A process `start` owns may set V8's
 * flags for itself; a larger value trades memory for fewer full collections, `0` gives the choice
 * back to V8 (up to four times the live heap under load).
 */
export function heapGrowingPercent(env: NodeJS.ProcessEnv): number | undefined {
  const value = env[HEAP_GROWING_PERCENT_VARIABLE]?.trim();
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,4}$/.test(value)) {
    throw new CliError(
      'CLI_INVALID_VALUE',
      `${HEAP_GROWING_PERCENT_VARIABLE} is a whole number of percent (100 doubles the live heap; 0 leaves it to V8), not "${value}"`,
    );
  }
  return Number(value);
}

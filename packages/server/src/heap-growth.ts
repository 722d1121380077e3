import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets its old generation grow past what survived the last full collection before it
 * collects again, in percent of that live size. Left to itself, V8 picks 10% to 300% after each
 * full collection from how fast it collects against how fast the program allocates: 300% after
 * start-up (loading code allocates fast), so a store's first limit under load was 4× its boot heap,
 * and under a steady checkout load the faster the store ran, the higher it went again. Its RSS then
 * rose for as long as a run lasted (220 MiB after 10 s, 278 MiB after 30 s at 37 checkouts/s) with
 * nothing leaking: the heap kept ~60 MiB alive after a full collection at every point of a run.
 * Fixed at 100%, the old generation stays under twice the live heap (plus the young generation's
 * size), and full collections, concurrent and ~40 ms each at that size, come at most that often.
 */
export const HEAP_GROWING_PERCENT = 100;

/**
 * Fixes V8's old-generation growth for this process at `percent` (default
 * {@link HEAP_GROWING_PERCENT}); 0 gives the choice back to V8. V8's flags belong to the process,
 * so `createServer` does not call this: `tokobapak start` does, and so should a program that runs
 * a store in a process of its own. V8 reads it at every full collection, so it applies from the next.
 */
export function limitHeapGrowth(percent: number = HEAP_GROWING_PERCENT): void {
  if (!Number.isSafeInteger(percent) || percent < 0) throw new RangeError(`limitHeapGrowth: a whole number of percent, 0 or more, not ${percent}`);
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}

/** Delay in milliseconds before the next delivery, given how many deliveries have failed so far (1, 2, …). */
export type Backoff = (attempt: number) => number;

/**
 * Exponential backoff with jitter: `baseMs · 2^(attempt-1)` capped at `maxMs`, then a random delay
 * between half of that and all of it, so consumers that failed together do not retry together.
 *
 * @example
 * const backoff = exponentialBackoff({ baseMs: 500, maxMs: 300_000 });
 * backoff(1); // 250–500
 * backoff(4); // 2000–4000
 */
export function exponentialBackoff(options: { baseMs?: number; maxMs?: number; random?: () => number } = {}): Backoff {
  const baseMs = options.baseMs ?? 500;
  const maxMs = options.maxMs ?? 5 * 60_000;
  const random = options.random ?? Math.random;
  return (attempt) => {
    const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  };
}

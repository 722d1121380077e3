import type { Clock } from '../plugin.js';

/** A clock the test moves by hand. */
export interface ManualClock extends Clock {
  /** Puts the clock at `time`. */
  set(time: string | Date): void;
  /** Moves the clock forward by `ms`. */
  advance(ms: number): void;
}

/**
 * A clock standing at `start` (default: now) until moved; pass it as the server's `clock`. Access
 * tokens are also checked against the real time, so keep it near the present when signing them.
 *
 * @example
 * const clock = manualClock();
 * const server = await createTestServer({ plugins: [cartPlugin()], clock });
 * clock.advance(31 * 60_000); // past the cart's expiry
 */
export function manualClock(start: string | Date = new Date()): ManualClock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    set(time) {
      current = new Date(time).getTime();
    },
    advance(ms) {
      current += ms;
    },
  };
}

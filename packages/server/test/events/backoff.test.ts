import { expect, test } from 'vitest';
import { exponentialBackoff } from '../../src/events/index.js';

test('doubles from 500 ms, caps at five minutes, and jitters between half and all of it', () => {
  const low = exponentialBackoff({ random: () => 0 });
  const high = exponentialBackoff({ random: () => 1 });
  expect([1, 2, 3, 4].map(high)).toEqual([500, 1000, 2000, 4000]);
  expect([1, 2, 3, 4].map(low)).toEqual([250, 500, 1000, 2000]);
  expect(high(30)).toBe(300_000);
  expect(low(30)).toBe(150_000);
  const random = exponentialBackoff();
  for (let attempt = 1; attempt <= 12; attempt++) {
    const ceiling = Math.min(300_000, 500 * 2 ** (attempt - 1));
    const delay = random(attempt);
    expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
    expect(delay).toBeLessThanOrEqual(ceiling);
  }
});

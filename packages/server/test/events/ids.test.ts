import { describe, expect, test } from 'vitest';
import { newId } from '../../src/ids.js';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

function decodeTime(id: string): number {
  const ulid = id.slice(id.indexOf('_') + 1);
  return [...ulid.slice(0, 10)].reduce((time, char) => time * 32 + ALPHABET.indexOf(char), 0);
}

/**
 * A time `ms` past the latest the generator has used. The generator never goes back to an earlier
 * time, and its memory is the module's: another suite in the same worker may have used later
 * times than the clock's (a manual clock set ahead, say).
 */
function ahead(ms: number): number {
  return decodeTime(newId('tst')) + ms;
}

describe('newId', () => {
  test('is the prefix and a lower-case 26-character ULID', () => {
    expect(newId('evt')).toMatch(/^evt_[0-9a-hjkmnp-tv-z]{26}$/);
  });

  test('encodes the creation time in its first ten characters', () => {
    const time = ahead(3_600_000);
    expect(decodeTime(newId('ord', time))).toBe(time);
    expect(decodeTime(newId('ord', time + 1))).toBe(time + 1);
  });

  test('sorts by creation time, and by creation order within one millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => newId('usr'));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    const later = newId('usr', ahead(7_200_000));
    expect(later > (ids.at(-1) as string)).toBe(true);
  });

  test('never goes backwards when the clock does', () => {
    const time = ahead(10_800_000);
    const first = newId('cart', time);
    const second = newId('cart', time - 5_000);
    expect(second > first).toBe(true);
    expect(decodeTime(second)).toBe(time);
  });

  test('each new millisecond draws fresh randomness, across the batches the bytes are drawn in', () => {
    const start = ahead(14_400_000);
    const randomParts = Array.from({ length: 2000 }, (_, index) => newId('req', start + index).slice(-16));
    expect(new Set(randomParts).size).toBe(randomParts.length);
    // Every digit of the alphabet turns up in every position: nothing is stuck at zero.
    for (let position = 0; position < 16; position++) expect(new Set(randomParts.map((part) => part[position])).size).toBe(32);
  });

  test('rejects a prefix that is not lower-case letters and digits', () => {
    expect(() => newId('Evt')).toThrow(/prefix/);
    expect(() => newId('evt_x')).toThrow(/prefix/);
    expect(() => newId('')).toThrow(/prefix/);
  });
});

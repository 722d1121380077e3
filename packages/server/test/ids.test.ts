import { describe, expect, test } from 'vitest';
import { newId, secureRandomBytes } from '../src/ids.js';

describe('ids and random bytes', () => {
  test('ids are prefixed lower-case ULIDs that sort in creation order', () => {
    const ids = Array.from({ length: 50 }, () => newId('crt'));
    for (const id of ids) expect(id).toMatch(/^crt_[0-9a-hjkmnp-tv-z]{26}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(() => newId('Bad')).toThrow(/prefix/);
  });

  test('secure random bytes are fresh on every call, across the batches they are drawn from', () => {
    // 32 bytes × 400 calls is more than three 4 KiB batches.
    const drawn = Array.from({ length: 400 }, () => secureRandomBytes(32));
    for (const bytes of drawn) expect(bytes).toHaveLength(32);
    expect(new Set(drawn.map((bytes) => bytes.toString('hex'))).size).toBe(400);
    // Not a run of zeros (bytes are zeroed in the batch once taken, never handed out again).
    expect(drawn.filter((bytes) => bytes.every((byte) => byte === 0))).toEqual([]);
    // A copy: changing it does not change what a later call draws.
    drawn[0]?.fill(7);
    expect(secureRandomBytes(32).equals(Buffer.alloc(32, 7))).toBe(false);
    // Larger than a quarter batch: drawn on its own.
    expect(secureRandomBytes(2048)).toHaveLength(2048);
  });
});

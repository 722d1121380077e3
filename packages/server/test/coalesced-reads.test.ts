import { describe, expect, test } from 'vitest';
import { coalescedReader } from '../src/index.js';

/** A reader over a table that records every `readMany` it is given. */
function recordingReader(table: Map<string, number>) {
  const reads: string[][] = [];
  const read = coalescedReader(async (keys: string[]) => {
    reads.push([...keys]);
    return new Map(keys.filter((key) => table.has(key)).map((key) => [key, table.get(key) as number]));
  });
  return { read, reads };
}

describe('coalescedReader', () => {
  test('keys asked for in one turn are read once, together; each caller gets only its own', async () => {
    const { read, reads } = recordingReader(
      new Map([
        ['a', 1],
        ['b', 2],
        ['c', 3],
      ]),
    );
    const answers = await Promise.all([read(['a']), read(['b', 'a']), read(['c', 'missing'])]);
    expect(reads).toEqual([['a', 'b', 'c', 'missing']]);
    expect(answers.map((answer) => Object.fromEntries(answer))).toEqual([{ a: 1 }, { b: 2, a: 1 }, { c: 3 }]);
  });

  test('a read asked for after the turn ended is a new read, and sees what changed since', async () => {
    const table = new Map([['a', 1]]);
    const { read, reads } = recordingReader(table);
    expect((await read(['a'])).get('a')).toBe(1);
    table.set('a', 2);
    expect((await read(['a'])).get('a')).toBe(2);
    expect(reads).toEqual([['a'], ['a']]);
  });

  test('no keys reads nothing; a failed read fails every caller of its batch, and the next batch reads again', async () => {
    let fail = true;
    const reads: string[][] = [];
    const read = coalescedReader(async (keys: string[]) => {
      reads.push(keys);
      if (fail) throw new Error('the database is gone');
      return new Map(keys.map((key) => [key, key.length]));
    });
    expect((await read([])).size).toBe(0);
    expect(reads).toEqual([]);
    const failed = await Promise.allSettled([read(['x']), read(['yy'])]);
    expect(failed.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(Object.fromEntries(await read(['yy']))).toEqual({ yy: 2 });
    expect(reads).toEqual([['x', 'yy'], ['yy']]);
  });
});

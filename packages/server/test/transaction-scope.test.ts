import { expect, test } from 'vitest';
import { insideTransaction, openTransaction } from '../src/transaction-scope.js';

// The scope tracking is switched off whenever no transaction callback runs (it costs every promise
// of the process a hook): these check it is on exactly while one does, however they overlap.

function held(): { wait: Promise<void>; release: () => void } {
  let release = () => {};
  const wait = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { wait, release };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

test('a transaction that ends while another is open leaves the other marked', async () => {
  const gate = held();
  const first = insideTransaction({ service: 'a', opener: 'first' }, async () => {
    await gate.wait;
    await tick();
    return openTransaction();
  });
  const second = await insideTransaction({ service: 'b', opener: 'second' }, async () => {
    await tick();
    return openTransaction();
  });
  expect(second).toEqual({ service: 'b', opener: 'second' });
  gate.release();
  expect(await first).toEqual({ service: 'a', opener: 'first' });
  expect(openTransaction()).toBeUndefined();
  await tick();
  expect(openTransaction()).toBeUndefined();
});

test('work outside any transaction sees none, while one is open and after', async () => {
  const gate = held();
  const inside = insideTransaction({ service: 'a', opener: 'held' }, async () => {
    await gate.wait;
    return openTransaction();
  });
  const outside = (async () => {
    await tick();
    return openTransaction();
  })();
  expect(await outside).toBeUndefined();
  gate.release();
  expect(await inside).toEqual({ service: 'a', opener: 'held' });
  const after = await (async () => {
    await tick();
    return openTransaction();
  })();
  expect(after).toBeUndefined();
});

test('a transaction opened after all others ended is marked again, nested ones by the innermost', async () => {
  await insideTransaction({ service: 'a', opener: 'done' }, async () => undefined);
  const seen = await insideTransaction({ service: 'b', opener: 'outer' }, async () => {
    await tick();
    const inner = await insideTransaction({ service: 'b', opener: 'inner' }, async () => {
      await tick();
      return openTransaction();
    });
    return [inner, openTransaction()];
  });
  expect(seen).toEqual([
    { service: 'b', opener: 'inner' },
    { service: 'b', opener: 'outer' },
  ]);
});

test('a callback that throws still ends its mark', async () => {
  await expect(
    insideTransaction({ service: 'a', opener: 'failing' }, async () => {
      await tick();
      throw new Error('boom');
    }),
  ).rejects.toThrow('boom');
  await tick();
  expect(openTransaction()).toBeUndefined();
});

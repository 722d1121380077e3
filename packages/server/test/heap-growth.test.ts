import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { limitHeapGrowth } from '../src/index.js';

// V8's flags are the process's, so each case runs in a process of its own: it sets the percent
// through the package's export, forces a full collection, and V8's own trace says which growing
// factor set the old generation's next limit ("[HeapController] Limit: … (2.0)"). That V8 reads
// the flag when set at run time, not only on the command line, is what this guards.
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const PROGRAM = `
const { limitHeapGrowth } = await import('@tokobapak/server');
const percent = process.argv[1];
if (percent !== 'unset') limitHeapGrowth(percent === 'default' ? undefined : Number(percent));
const kept = Array.from({ length: 50_000 }, (_, index) => ({ index }));
globalThis.gc();
console.log('kept', kept.length);
`;

function growingFactorAfterFullGc(percent: string): string | undefined {
  const child = spawnSync(
    process.execPath,
    ['--conditions=development', '--import', 'tsx', '--expose-gc', '--trace-gc-verbose', '--input-type=module', '-e', PROGRAM, percent],
    { cwd: PACKAGE_DIR, encoding: 'utf8', timeout: 60_000 },
  );
  expect(child.status, child.stderr).toBe(0);
  expect(child.stdout).toContain('kept 50000');
  const limits = [...child.stdout.matchAll(/\[HeapController\] Limit: .* \((\d+\.\d)\)/g)];
  return limits.at(-1)?.[1];
}

describe("limitHeapGrowth fixes V8's old-generation growth for the process", () => {
  test('by default at twice the live size, whatever V8 would have chosen', () => {
    expect(growingFactorAfterFullGc('default')).toBe('2.0');
  }, 60_000);

  test('at the percent given; 0 gives the choice back to V8', () => {
    expect(growingFactorAfterFullGc('50')).toBe('1.5');
    // A first full collection has no measured speed to go by, so V8 takes its own maximum.
    const v8Own = growingFactorAfterFullGc('0');
    expect(v8Own).toMatch(/^\d\.\d$/);
    expect(v8Own).not.toBe('1.5');
  }, 60_000);

  test('refuses what is not a whole number of percent', () => {
    expect(() => limitHeapGrowth(-1)).toThrow(RangeError);
    expect(() => limitHeapGrowth(1.5)).toThrow(RangeError);
  });
});

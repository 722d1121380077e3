import { describe, expect, test } from 'vitest';
import { keepPgliteOnBaselineCompiler, WASM_TIER_UP_VARIABLE } from '../src/services/wasm-tiering.js';

// The memory effect is measured by `pnpm bench:demo-rss` (docs/performance.md, "Embedded memory");
// here, which stores get the setting. Setting it in this worker only changes how V8 compiles the
// PGlite instances other tests open, not what they compute.
describe("start keeps PGlite on V8's baseline compiler", () => {
  test('for a PGlite folder and for :memory:, unless TOKOBAPAK_WASM_TIER_UP=on', () => {
    expect(keepPgliteOnBaselineCompiler({ kind: 'pglite', dataDir: '/tmp/x' }, {})).toBe(true);
    expect(keepPgliteOnBaselineCompiler({ kind: 'memory' }, {})).toBe(true);
    expect(keepPgliteOnBaselineCompiler({ kind: 'pglite', dataDir: '/tmp/x' }, { [WASM_TIER_UP_VARIABLE]: 'on' })).toBe(false);
  });

  test('never for PostgreSQL, where no WebAssembly runs the queries', () => {
    expect(keepPgliteOnBaselineCompiler({ kind: 'postgres', url: 'postgres://127.0.0.1/x' }, {})).toBe(false);
  });
});

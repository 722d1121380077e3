import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { bin: 'src/bin.ts', index: 'src/index.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  // Types for the library entry only; bin.ts is a program. `scripts/build.ts --js-only` (the demo)
  // leaves out the declaration pass.
  dts: process.env.TOKOBAPAK_BUILD_DTS === '0' ? false : { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  // bin.ts keeps its `#!/usr/bin/env node` line (tsup also marks the file executable).
  shims: false,
  esbuildOptions(options) {
    options.jsx = 'automatic';
  },
});

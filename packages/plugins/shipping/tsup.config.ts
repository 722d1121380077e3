import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  // `scripts/build.ts --js-only` (the demo) leaves out the declaration pass.
  dts: process.env.TOKOBAPAK_BUILD_DTS !== '0',
  clean: true,
  sourcemap: true,
  target: 'node20',
});

import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // The runtime must also run in browsers: bundle nothing Node-specific, keep the output ESM.
  platform: 'neutral',
});

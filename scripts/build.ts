/**
 * `pnpm build`: builds every package with tsup, skipping the ones whose inputs have not changed
 * since their last successful build. A clean build spends most of its time on declarations (tsup's
 * declaration pass type-checks each package with the sources of the packages it imports), so a
 * package is only rebuilt when its own inputs differ from the stamp its last build left behind.
 *
 * Options:
 *   --js-only   JavaScript only, no declarations (what `pnpm demo` needs to run); a later full
 *               build adds the declarations
 *   --force     rebuild every package
 *   --root <d>  the workspace to build (default: this repository)
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildWorkspace } from './build/run.js';

const { values } = parseArgs({
  options: {
    'js-only': { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    root: { type: 'string' },
  },
});

const started = performance.now();
const result = await buildWorkspace({
  root: values.root ?? fileURLToPath(new URL('..', import.meta.url)),
  declarations: !values['js-only'],
  force: values.force,
  log: (line) => console.log(line),
});
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`build: ${result.built.length} built, ${result.upToDate.length} up to date (${seconds} s)`);
if (result.failed.length > 0) {
  console.error(`build: failed: ${result.failed.join(', ')}`);
  process.exitCode = 1;
}

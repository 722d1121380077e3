/**
 * `pnpm generate`: derives the SDK types, the SDK operation table, the event catalogue and each
 * plugin's bundled spec and manifest from `openapi/*.yaml`, and the lists of built-in services
 * (the CLI's registry, a new store's services, the test error catalogue, the plugin dependencies of
 * the root and CLI package.json) from `packages/plugins/*` (see scripts/generate/registry.ts). `--check` writes nothing and exits 1 when any derived file is stale,
 * missing or obsolete.
 *
 * Options (for tests and fixtures; defaults are the repository's own folders):
 *   --openapi <dir>   specs folder            (default: openapi)
 *   --sdk-out <dir>   SDK generated folder    (default: packages/sdk/src/generated)
 *   --plugins <dir>   plugins folder          (default: packages/plugins)
 *   --events-doc <f>  page whose event catalogue section is regenerated (default: docs/events.md,
 *                     none when --openapi is given)
 *   --root <dir>      paths in headers are relative to it (default: the repository root)
 */
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Drift, defaultOptions, generate, isClean } from './generate/run.js';

const { values } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    openapi: { type: 'string' },
    'sdk-out': { type: 'string' },
    plugins: { type: 'string' },
    'events-doc': { type: 'string' },
    root: { type: 'string' },
  },
});

const repositoryRoot = resolve(import.meta.dirname, '..');
const root = values.root ? resolve(values.root) : repositoryRoot;
const defaults = defaultOptions(repositoryRoot);
const options = {
  root,
  openapiDir: values.openapi ? resolve(values.openapi) : defaults.openapiDir,
  sdkGeneratedDir: values['sdk-out'] ? resolve(values['sdk-out']) : defaults.sdkGeneratedDir,
  pluginsDir: values.plugins ? resolve(values.plugins) : defaults.pluginsDir,
  // A run on other specs (a fixture, a temporary copy) must not rewrite this repository's page.
  eventsDoc: values['events-doc'] ? resolve(values['events-doc']) : values.openapi ? undefined : defaults.eventsDoc,
  // Likewise the CLI's service registry, the services of a new store, the test error catalogue and
  // the plugin dependencies of the root and CLI package.json.
  registry: values.openapi ? undefined : defaults.registry,
  check: values.check,
};

const show = (path: string) => relative(process.cwd(), path) || '.';
const list = (drift: Drift, [missing, changed, obsolete]: [string, string, string]) => [
  ...drift.missing.map((path) => `  ${missing.padEnd(9)} ${show(path)}`),
  ...drift.changed.map((path) => `  ${changed.padEnd(9)} ${show(path)}`),
  ...drift.obsolete.map((path) => `  ${obsolete.padEnd(9)} ${show(path)}`),
];

try {
  const { drift, plan } = await generate(options);
  if (options.check) {
    if (isClean(drift)) {
      console.log('generated files are up to date');
    } else {
      console.error(['generated files are out of date (run `pnpm generate`):', ...list(drift, ['missing', 'stale', 'obsolete'])].join('\n'));
      process.exitCode = 1;
    }
  } else {
    const lines = list(drift, ['created', 'updated', 'removed']);
    const unchanged = plan.files.size - drift.missing.length - drift.changed.length;
    console.log([...lines, `${lines.length} changed, ${unchanged} unchanged`].join('\n'));
  }
} catch (error) {
  console.error(`pnpm generate: ${(error as Error).message}`);
  process.exitCode = 1;
}

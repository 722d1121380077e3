import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asObject } from '../../packages/server/src/spec-reader.js';
import { header } from './emit.js';
import { pascal } from './events.js';

/**
 * The built-in services as the CLI and the repository's tests list them: every folder of
 * `packages/plugins/` that has a spec of the same name. A plugin package exports
 * `<namespace>Plugin`, `<Namespace>PluginOptions` and `<namespace>Errors` (the compiler checks the
 * generated imports); anything particular to one service is data under `tokobapak` in its
 * package.json, read here, so that no generated file is edited by hand:
 *
 *   "tokobapak": {
 *     "folderOptions": { "blobDir": "blobs" },  // option → folder beside the store's data, its default
 *     "newStore": false                         // leave it out of the services a new store runs
 *   }
 */
export interface BuiltInPlugin {
  /** The service name (`image-proxy`): the spec file, the plugin folder, the `--services` name. */
  service: string;
  /** Its camelCase identifier stem (`imageProxy`). */
  namespace: string;
  /** The npm package (`@tokobapak/plugin-image-proxy`). */
  packageName: string;
  /** Option name → folder name under the store's files folder, used when the config gives none. */
  folderOptions: Record<string, string>;
  /** Whether `tokobapak new` lists it in a new store's services. */
  newStore: boolean;
}

const OPTION_NAME = /^[a-zA-Z_$][a-zA-Z0-9_$]*$/;
const FOLDER_NAME = /^[a-z0-9][a-z0-9._-]*$/;

/** Reads the plugin packages of the given services (those without a plugin folder are skipped), in service order. */
export function readBuiltInPlugins(pluginsDir: string, services: Array<{ service: string; namespace: string }>): BuiltInPlugin[] {
  const plugins: BuiltInPlugin[] = [];
  for (const { service, namespace } of services) {
    const manifestPath = join(pluginsDir, service, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const where = `packages/plugins/${service}/package.json`;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
    const packageName = `@tokobapak/plugin-${service}`;
    if (manifest.name !== packageName)
      throw new Error(`${where}: the package of the ${service} service must be named ${packageName}, not ${String(manifest.name)}`);
    const settings = asObject(manifest.tokobapak) ?? {};
    for (const key of Object.keys(settings)) {
      if (key !== 'folderOptions' && key !== 'newStore') throw new Error(`${where}: tokobapak.${key} is not a known setting (folderOptions, newStore)`);
    }
    const folderOptions: Record<string, string> = {};
    for (const [option, folder] of Object.entries(asObject(settings.folderOptions) ?? {})) {
      if (!OPTION_NAME.test(option) || typeof folder !== 'string' || !FOLDER_NAME.test(folder)) {
        throw new Error(`${where}: tokobapak.folderOptions.${option} must map an option name to a folder name such as "blobs"`);
      }
      folderOptions[option] = folder;
    }
    if (settings.newStore !== undefined && typeof settings.newStore !== 'boolean') throw new Error(`${where}: tokobapak.newStore must be true or false`);
    plugins.push({ service, namespace, packageName, folderOptions, newStore: settings.newStore !== false });
  }
  return plugins;
}

const quote = (value: string) => `'${value}'`;
const key = (service: string) => (/^[a-zA-Z_$][a-zA-Z0-9_$]*$/.test(service) ? service : quote(service));

/** `packages/cli/src/services/plugin-registry.ts`: the factory of every built-in service. */
export function emitPluginRegistry(plugins: BuiltInPlugin[], source: string): string {
  const lines = [header(source)];
  for (const plugin of plugins) {
    lines.push(`import { type ${pascal(plugin.namespace)}PluginOptions, ${plugin.namespace}Plugin } from '${plugin.packageName}';`);
  }
  lines.push("import type { ServiceRegistry } from './runtime.js';", '');
  lines.push(
    '// `start --services`, `migrate` and `services` read this map. Options come unvalidated from the config',
    '// file key named after the service; each factory checks its own. An option listed under',
    "// `tokobapak.folderOptions` in a plugin's package.json defaults to a folder beside the store's data",
    '// (image originals, for one) unless the config gives its own.',
    '',
    '/** Factories of the services that ship with TokoBapak, keyed by their `--services` name. */',
    'export const builtInServices: ServiceRegistry = {',
  );
  for (const plugin of plugins) {
    const options = `options as ${pascal(plugin.namespace)}PluginOptions`;
    const folders = Object.entries(plugin.folderOptions);
    if (folders.length === 0) {
      lines.push(`  ${key(plugin.service)}: (options) => ${plugin.namespace}Plugin(${options}),`);
    } else {
      const defaults = folders.map(([option, folder]) => `${option}: context.filesDir(${quote(folder)})`).join(', ');
      lines.push(`  ${key(plugin.service)}: (options, context) => ${plugin.namespace}Plugin({ ${defaults}, ...(${options}) }),`);
    }
  }
  lines.push('};', '');
  return lines.join('\n');
}

/** `packages/cli/src/services/store-services.ts`: the services a new store runs. */
export function emitStoreServices(plugins: BuiltInPlugin[], source: string): string {
  const services = plugins.filter((plugin) => plugin.newStore).map((plugin) => plugin.service);
  return [
    header(source),
    '/** Services a new store starts with: every built-in one unless its package.json says `"tokobapak": { "newStore": false }`. */',
    'export const STORE_SERVICES: string[] = [',
    ...services.map((service) => `  ${quote(service)},`),
    '];',
    '',
  ].join('\n');
}

/** `test/catalogues.ts`: every package's error catalogue, for `test/errors-doc.test.ts`. */
export function emitErrorCatalogues(plugins: BuiltInPlugin[], source: string): string {
  return [
    header(source),
    ...plugins.map((plugin) => `import { ${plugin.namespace}Errors } from '${plugin.packageName}';`),
    "import { type ErrorSpec, platformErrors } from '@tokobapak/server';",
    '',
    "/** Every package's error catalogue, by the heading it has in docs/errors.md. */",
    'export const catalogues: Record<string, Readonly<Record<string, ErrorSpec>>> = {',
    '  platform: platformErrors.specs,',
    ...plugins.map((plugin) => `  ${key(plugin.service)}: ${plugin.namespace}Errors.specs,`),
    '};',
    '',
  ].join('\n');
}

/**
 * A package.json with `section` listing every built-in plugin as a `workspace:^` dependency and no
 * plugin that is gone; untouched (byte for byte) when it already does. Run `pnpm install` after a change.
 */
export function withPluginDependencies(current: string, section: 'dependencies' | 'devDependencies', plugins: BuiltInPlugin[]): string {
  const manifest = JSON.parse(current) as Record<string, unknown>;
  const dependencies = { ...((asObject(manifest[section]) ?? {}) as Record<string, string>) };
  const wanted = new Set(plugins.map((plugin) => plugin.packageName));
  let changed = false;
  for (const name of Object.keys(dependencies)) {
    if (name.startsWith('@tokobapak/plugin-') && !wanted.has(name)) {
      delete dependencies[name];
      changed = true;
    }
  }
  for (const name of wanted) {
    if (dependencies[name] === undefined) {
      dependencies[name] = 'workspace:^';
      changed = true;
    }
  }
  if (!changed) return current;
  // pnpm's order: plain code-point order of the names.
  manifest[section] = Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

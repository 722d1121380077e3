import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { bundle } from './bundle.js';
import { emitIndex, emitOperations, emitSpec, emitTypes, header, type ServiceTable } from './emit.js';
import { buildEventCatalogue, emitEventCatalogue, emitEventDoc, emitManifest, type ServiceSpec } from './events.js';
import { collectOperations } from './operations.js';
import { emitErrorCatalogues, emitPluginRegistry, emitStoreServices, readBuiltInPlugins, withPluginDependencies } from './registry.js';

/** Where `pnpm generate` reads specs and writes what it derives from them. */
export interface GenerateOptions {
  /** Paths in headers and messages are relative to this folder (the repository root). */
  root: string;
  /** The folder holding `<service>.yaml` and `components/`. */
  openapiDir: string;
  /** Receives `<service>.ts`, `operations.ts` and `index.ts`; the generator owns it entirely. */
  sdkGeneratedDir: string;
  /** Holds one folder per plugin; `<service>/src/generated/spec.ts` and `manifest.ts` are written where it exists. */
  pluginsDir: string;
  /** The page whose event catalogue section (between markers) is regenerated; none when absent. */
  eventsDoc?: string;
  /**
   * The lists of built-in services, derived from the plugin packages (see `registry.ts`); none when
   * absent (a run on fixture specs must not rewrite the repository's lists).
   */
  registry?: {
    /** Receives `plugin-registry.ts` and `store-services.ts` (the CLI's `src/services`). */
    cliServicesDir: string;
    /** The test error catalogue (`test/catalogues.ts`). */
    testCatalogue: string;
    /** package.json files whose dependencies (`dependencies` or `devDependencies`) list every plugin. */
    manifests: Array<{ path: string; section: 'dependencies' | 'devDependencies' }>;
  };
}

/** Everything one run would write, in memory, plus the files that should no longer exist. */
export interface GenerationPlan {
  /** Absolute path → file content. */
  files: Map<string, string>;
  /** Absolute paths of generated files left over from services that no longer exist. */
  obsolete: string[];
}

/** How the files on disk differ from a plan. */
export interface Drift {
  missing: string[];
  changed: string[];
  obsolete: string[];
}

// camelCase (`user`) or kebab-case (`image-proxy`); a kebab-case name keeps its file, plugin folder and
// paths, and becomes camelCase only where it must be an identifier (`client.imageProxy`).
const SERVICE_NAME = /^[a-z][a-zA-Z0-9]*(-[a-z0-9]+)*$/;

/** The SDK namespace of a service: its name with kebab-case turned into camelCase (`image-proxy` → `imageProxy`). */
export function sdkNamespace(service: string): string {
  return service.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** The default locations, relative to the repository root. */
export function defaultOptions(root: string): GenerateOptions {
  return {
    root,
    openapiDir: join(root, 'openapi'),
    sdkGeneratedDir: join(root, 'packages', 'sdk', 'src', 'generated'),
    pluginsDir: join(root, 'packages', 'plugins'),
    eventsDoc: join(root, 'docs', 'events.md'),
    registry: {
      cliServicesDir: join(root, 'packages', 'cli', 'src', 'services'),
      testCatalogue: join(root, 'test', 'catalogues.ts'),
      manifests: [
        { path: join(root, 'package.json'), section: 'devDependencies' },
        { path: join(root, 'packages', 'cli', 'package.json'), section: 'dependencies' },
      ],
    },
  };
}

/** Service names, from the `<service>.yaml` files directly inside `openapiDir`, sorted. */
export function listServices(openapiDir: string): string[] {
  if (!existsSync(openapiDir)) return [];
  const services = readdirSync(openapiDir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.yaml'))
    .map((entry) => basename(entry.name, '.yaml'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const service of services) {
    if (!SERVICE_NAME.test(service)) {
      throw new Error(`openapi/${service}.yaml: a service name must be camelCase or kebab-case (it becomes client.${sdkNamespace(service)})`);
    }
  }
  return services;
}

/** Computes every generated file in memory without touching the disk. */
export async function planGeneration(options: GenerateOptions): Promise<GenerationPlan> {
  const files = new Map<string, string>();
  const services = listServices(options.openapiDir);
  const tables: ServiceTable[] = [];
  const shown = (path: string) => relative(options.root, path).split(sep).join('/');
  const allSpecs = shown(join(options.openapiDir, '*.yaml'));
  const specs: ServiceSpec[] = [];

  for (const service of services) {
    const specPath = join(options.openapiDir, `${service}.yaml`);
    const source = shown(specPath);
    const doc = bundle(specPath);
    specs.push({ service, namespace: sdkNamespace(service), source, doc });
    tables.push({ service, namespace: sdkNamespace(service), operations: collectOperations(doc, source) });
    files.set(join(options.sdkGeneratedDir, `${service}.ts`), await emitTypes(doc, source));
    const pluginDir = join(options.pluginsDir, service);
    if (existsSync(pluginDir)) files.set(join(pluginDir, 'src', 'generated', 'spec.ts'), emitSpec(doc, source));
  }
  const catalogue = buildEventCatalogue(specs);
  for (const spec of specs) {
    const pluginDir = join(options.pluginsDir, spec.service);
    if (existsSync(pluginDir)) files.set(join(pluginDir, 'src', 'generated', 'manifest.ts'), emitManifest(catalogue, spec, header(spec.source)));
  }
  files.set(join(options.sdkGeneratedDir, 'operations.ts'), emitOperations(tables, allSpecs));
  files.set(join(options.sdkGeneratedDir, 'events.ts'), emitEventCatalogue(catalogue, specs, header(allSpecs)));
  files.set(join(options.sdkGeneratedDir, 'index.ts'), emitIndex(services, allSpecs, sdkNamespace));
  if (options.registry) {
    const plugins = readBuiltInPlugins(options.pluginsDir, specs);
    const from = shown(join(options.pluginsDir, '*', 'package.json'));
    const { cliServicesDir, testCatalogue, manifests } = options.registry;
    files.set(join(cliServicesDir, 'plugin-registry.ts'), emitPluginRegistry(plugins, from));
    files.set(join(cliServicesDir, 'store-services.ts'), emitStoreServices(plugins, from));
    files.set(testCatalogue, emitErrorCatalogues(plugins, from));
    for (const { path, section } of manifests) files.set(path, withPluginDependencies(readFileSync(path, 'utf8'), section, plugins));
  }
  if (options.eventsDoc && existsSync(options.eventsDoc)) {
    files.set(options.eventsDoc, emitEventDoc(readFileSync(options.eventsDoc, 'utf8'), catalogue, shown(options.eventsDoc)));
  }

  const obsolete: string[] = [];
  if (existsSync(options.sdkGeneratedDir)) {
    for (const name of readdirSync(options.sdkGeneratedDir).sort()) {
      const path = join(options.sdkGeneratedDir, name);
      if (!files.has(path)) obsolete.push(path);
    }
  }
  if (existsSync(options.pluginsDir)) {
    for (const plugin of readdirSync(options.pluginsDir).sort()) {
      for (const name of ['spec.ts', 'manifest.ts']) {
        const path = join(options.pluginsDir, plugin, 'src', 'generated', name);
        if (!services.includes(plugin) && existsSync(path)) obsolete.push(path);
      }
    }
  }
  return { files, obsolete };
}

/** Compares a plan with the disk. */
export function findDrift(plan: GenerationPlan): Drift {
  const drift: Drift = { missing: [], changed: [], obsolete: [...plan.obsolete] };
  for (const [path, content] of plan.files) {
    if (!existsSync(path)) drift.missing.push(path);
    else if (readFileSync(path, 'utf8') !== content) drift.changed.push(path);
  }
  return drift;
}

/** Writes the files that differ and removes obsolete ones; returns what it changed. */
export function applyPlan(plan: GenerationPlan): Drift {
  const drift = findDrift(plan);
  for (const path of [...drift.missing, ...drift.changed]) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, plan.files.get(path) ?? '');
  }
  for (const path of drift.obsolete) rmSync(path, { recursive: true, force: true });
  return drift;
}

/** Runs the generator: writes (default) or only checks (`check: true`) the derived files. */
export async function generate(options: GenerateOptions & { check?: boolean }): Promise<{ drift: Drift; plan: GenerationPlan }> {
  const plan = await planGeneration({ ...options, root: resolve(options.root) });
  return { plan, drift: options.check ? findDrift(plan) : applyPlan(plan) };
}

/** True when a drift report is empty. */
export function isClean(drift: Drift): boolean {
  return drift.missing.length === 0 && drift.changed.length === 0 && drift.obsolete.length === 0;
}

import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';

/** A parsed JSON/YAML object. */
export type JsonObject = { [key: string]: unknown };

/** The only `$ref` form the specs use: an optional file, then `#/components/<kind>/<Name>`. */
const REF = /^(?<file>[^#]*)#\/components\/(?<kind>[A-Za-z]+)\/(?<name>[A-Za-z0-9._-]+)$/;

/** Where a component lives: which file, which kind, which name. */
interface ComponentAddress {
  file: string;
  kind: string;
  name: string;
}

/** Returns `value` when it is a plain object, else `undefined`. */
export function asObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

/** Reads and parses one YAML file, with its path in the error when that fails. */
export function loadYaml(file: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
  const object = asObject(parsed);
  if (!object) throw new Error(`${file}: expected a YAML mapping at the top level`);
  return object;
}

/**
 * Bundles one service spec into a self-contained document: every `$ref` into another file
 * (`./components/common.yaml#/components/schemas/Money`) becomes a local `#/components/...` ref and
 * the component it names is copied into the document's `components`, together with everything
 * that component refers to in turn. Security schemes that operations name but the service does not
 * define are taken from `components/common.yaml`, where the conventions keep them all.
 *
 * Output keeps the authored key order: the service's own parts first, then the copied components
 * in the order their source file lists them, so the result is byte-for-byte stable.
 */
export function bundle(servicePath: string, sharedComponentsPath = join(dirname(servicePath), 'components', 'common.yaml')): JsonObject {
  const service = resolve(servicePath);
  const cache = new Map<string, JsonObject>();
  const load = (file: string): JsonObject => {
    let doc = cache.get(file);
    if (!doc) {
      doc = loadYaml(file);
      cache.set(file, doc);
    }
    return doc;
  };
  const show = (file: string) => relative(process.cwd(), file) || file;
  const root = load(service);
  const rootComponents = asObject(root.components) ?? {};

  // A service component that is only a `$ref` to the same kind and name elsewhere (how a spec
  // declares a shared security scheme) is replaced by the component it points at.
  const aliases = new Map<string, ComponentAddress>();
  for (const [kind, entries] of Object.entries(rootComponents)) {
    for (const [name, value] of Object.entries(asObject(entries) ?? {})) {
      const object = asObject(value);
      const ref = object && Object.keys(object).length === 1 ? object.$ref : undefined;
      const target = typeof ref === 'string' ? parseRef(ref, service) : undefined;
      if (target && target.file !== service && target.kind === kind && target.name === name) {
        aliases.set(`${kind}/${name}`, target);
      }
    }
  }

  const imported = new Map<string, { address: ComponentAddress; value: unknown }>();

  const importComponent = (target: ComponentAddress, from: string): void => {
    const key = `${target.kind}/${target.name}`;
    const existing = imported.get(key);
    if (existing) {
      if (existing.address.file !== target.file) {
        throw new Error(`${show(from)}: component ${key} is defined in both ${show(existing.address.file)} and ${show(target.file)}`);
      }
      return;
    }
    const alias = aliases.get(key);
    if (asObject(rootComponents[target.kind])?.[target.name] !== undefined && (!alias || alias.file !== target.file)) {
      throw new Error(`${show(service)}: component ${key} is defined locally and also imported from ${show(target.file)}`);
    }
    const value = asObject(asObject(load(target.file).components)?.[target.kind])?.[target.name];
    if (value === undefined) {
      throw new Error(`${show(from)}: $ref target ${key} not found in ${show(target.file)}`);
    }
    // Register before rewriting so that a component that refers to itself terminates.
    const entry = { address: target, value: undefined as unknown };
    imported.set(key, entry);
    entry.value = rewrite(value, target.file);
  };

  const rewriteRef = (ref: string, file: string): string => {
    const target = parseRef(ref, file);
    if (!target) {
      throw new Error(`${show(file)}: unsupported $ref "${ref}" (expected [<file>.yaml]#/components/<kind>/<Name>)`);
    }
    if (target.file === service) {
      if (asObject(rootComponents[target.kind])?.[target.name] === undefined) {
        throw new Error(`${show(file)}: $ref target ${target.kind}/${target.name} not found in ${show(service)}`);
      }
      const alias = aliases.get(`${target.kind}/${target.name}`);
      if (alias) importComponent(alias, file);
    } else {
      importComponent(target, file);
    }
    return `#/components/${target.kind}/${target.name}`;
  };

  const rewrite = (node: unknown, file: string): unknown => {
    if (Array.isArray(node)) return node.map((item) => rewrite(item, file));
    const object = asObject(node);
    if (!object) return node;
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(object)) {
      out[key] = key === '$ref' && typeof value === 'string' ? rewriteRef(value, file) : rewrite(value, file);
    }
    return out;
  };

  const bundled = rewrite(root, service) as JsonObject;

  // Aliases resolve to the component they name, in the alias's place.
  const components = asObject(bundled.components) ?? {};
  for (const [key, target] of aliases) {
    importComponent(target, service);
    const [kind = '', name = ''] = key.split('/');
    const kindEntries = asObject(components[kind]);
    if (kindEntries) kindEntries[name] = imported.get(key)?.value;
  }

  // Security schemes named by requirements but defined nowhere in the service come from common.yaml.
  const schemes = asObject(components.securitySchemes) ?? {};
  const shared = resolve(sharedComponentsPath);
  for (const name of securitySchemeNames(bundled)) {
    if (schemes[name] !== undefined || imported.has(`securitySchemes/${name}`)) continue;
    const sharedSchemes = asObject(asObject(safeLoad(load, shared)?.components)?.securitySchemes);
    if (sharedSchemes?.[name] === undefined) {
      throw new Error(`${show(service)}: security scheme "${name}" is not defined in the service or ${show(shared)}`);
    }
    importComponent({ file: shared, kind: 'securitySchemes', name }, service);
  }

  // Append the copied components, ordered by source file (first seen), then as authored there.
  const fileOrder = [...new Set([...imported.values()].map((entry) => entry.address.file))];
  const authoredIndex = (address: ComponentAddress): [number, number] => {
    const sourceComponents = asObject(load(address.file).components) ?? {};
    const kinds = Object.keys(sourceComponents);
    const names = Object.keys(asObject(sourceComponents[address.kind]) ?? {});
    return [kinds.indexOf(address.kind), names.indexOf(address.name)];
  };
  const toAppend = [...imported.entries()]
    .filter(([key]) => !aliases.has(key))
    .map(([, entry]) => ({ ...entry, order: [fileOrder.indexOf(entry.address.file), ...authoredIndex(entry.address)] }))
    .sort((a, b) => compareTuples(a.order, b.order));
  if (toAppend.length > 0) {
    for (const { address, value } of toAppend) {
      const kindEntries = asObject(components[address.kind]) ?? {};
      kindEntries[address.name] = value;
      components[address.kind] = kindEntries;
    }
    bundled.components = components;
  }
  return bundled;
}

function parseRef(ref: string, file: string): ComponentAddress | undefined {
  const match = REF.exec(ref);
  if (!match?.groups) return undefined;
  const { file: refFile = '', kind = '', name = '' } = match.groups;
  return { file: refFile ? resolve(dirname(file), refFile) : file, kind, name };
}

function safeLoad(load: (file: string) => JsonObject, file: string): JsonObject | undefined {
  try {
    return load(file);
  } catch {
    return undefined;
  }
}

/** Every security scheme name that a top-level or operation `security` list mentions, in order. */
function securitySchemeNames(doc: JsonObject): string[] {
  const names = new Set<string>();
  const collect = (security: unknown) => {
    if (!Array.isArray(security)) return;
    for (const requirement of security) for (const name of Object.keys(asObject(requirement) ?? {})) names.add(name);
  };
  collect(doc.security);
  for (const pathItem of Object.values(asObject(doc.paths) ?? {})) {
    for (const operation of Object.values(asObject(pathItem) ?? {})) collect(asObject(operation)?.security);
  }
  return [...names];
}

function compareTuples(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

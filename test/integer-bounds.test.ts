import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { loadYaml } from '../scripts/generate/bundle.js';

/**
 * Every integer a spec declares has a lower and an upper bound the database can hold, so an
 * integer beyond PostgreSQL's bigint (2^63, 1e300) is a validation 400, never a 500 from the
 * query. A new integer without bounds fails here, naming where it is.
 */
const OPENAPI = join(import.meta.dirname, '..', 'openapi');
const BIGINT_MAX = 2 ** 63 - 1;

function specFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? specFiles(join(dir, entry.name)) : entry.name.endsWith('.yaml') ? [join(dir, entry.name)] : [],
  );
}

function unbounded(node: unknown, where: string): string[] {
  if (Array.isArray(node)) return node.flatMap((item, index) => unbounded(item, `${where}/${index}`));
  if (node === null || typeof node !== 'object') return [];
  const schema = node as Record<string, unknown>;
  const found: string[] = [];
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('integer') && !Array.isArray(schema.enum)) {
    const low = schema.minimum ?? schema.exclusiveMinimum;
    const high = schema.maximum ?? schema.exclusiveMaximum;
    if (typeof low !== 'number' || typeof high !== 'number' || Math.abs(low) > BIGINT_MAX || high > BIGINT_MAX) found.push(where);
  }
  for (const [key, child] of Object.entries(schema)) found.push(...unbounded(child, `${where}/${key}`));
  return found;
}

test('every integer in every spec has a minimum and a maximum within bigint', () => {
  const files = specFiles(OPENAPI);
  expect(files.length).toBeGreaterThan(6);
  const missing = files.flatMap((file) => unbounded(loadYaml(file), file.slice(OPENAPI.length + 1)));
  expect(missing).toEqual([]);
});

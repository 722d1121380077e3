import { readFile } from 'node:fs/promises';
import { expect, test } from 'vitest';
import { catalogues } from './catalogues.js';

test('docs/errors.md lists exactly the codes of every catalogue, with their statuses', async () => {
  const doc = await readFile(new URL('../docs/errors.md', import.meta.url), 'utf8');
  const documented = new Map<string, number>();
  for (const match of doc.matchAll(/^\| `([A-Z0-9_]+)` \| (\d{3}) \|/gm)) documented.set(match[1] as string, Number(match[2]));

  const actual = new Map<string, number>();
  for (const specs of Object.values(catalogues)) for (const [code, spec] of Object.entries(specs)) actual.set(code, spec.status);

  const missing = [...actual.keys()].filter((code) => !documented.has(code));
  const stale = [...documented.keys()].filter((code) => !actual.has(code));
  const wrongStatus = [...actual].filter(([code, status]) => documented.has(code) && documented.get(code) !== status).map(([code]) => code);
  expect({ missing, stale, wrongStatus }).toEqual({ missing: [], stale: [], wrongStatus: [] });
});

test('codes are unique across packages', () => {
  const seen = new Map<string, string>();
  for (const [name, specs] of Object.entries(catalogues)) {
    for (const code of Object.keys(specs)) {
      expect(seen.get(code), `${code} is in both ${seen.get(code)} and ${name}`).toBeUndefined();
      seen.set(code, name);
    }
  }
});

test('every error code a spec names is one the services can answer with', async () => {
  const known = new Set(Object.values(catalogues).flatMap((specs) => Object.keys(specs)));
  for (const service of Object.keys(catalogues).filter((name) => name !== 'platform')) {
    const spec = await readFile(new URL(`../openapi/${service}.yaml`, import.meta.url), 'utf8');
    const named = [...spec.matchAll(/`([A-Z]+_[A-Z0-9_]+)`/g)].map((match) => match[1] as string);
    expect(
      named.filter((code) => !known.has(code)),
      `${service}.yaml names unknown codes`,
    ).toEqual([]);
  }
});

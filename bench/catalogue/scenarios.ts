/**
 * The catalogue scenarios, as the harness's `Scenario` (bench/scenarios/scenario.ts): each
 * connection repeats one GET whose path rotates over a list (one shared counter, so the
 * connections together walk the whole list), and any unexpected status is tallied by problem code.
 */
import type { AutocannonRequest } from '../autocannon.js';
import type { ScenarioName } from '../options.js';
import { type Scenario, Tally } from '../scenarios/scenario.js';

/** The catalogue's scenario names. */
export type CatalogueScenarioName =
  | 'list-page'
  | 'list-page-vs-bare'
  | 'list-filtered'
  | 'get-by-handle'
  | 'search'
  | 'search-two-words'
  | 'image-variant'
  | 'image-variant-304';

export const CATALOGUE_SCENARIOS: CatalogueScenarioName[] = [
  'list-page',
  'list-page-vs-bare',
  'list-filtered',
  'get-by-handle',
  'search',
  'search-two-words',
  'image-variant',
  'image-variant-304',
];

/** Scenarios that need the seeded image (not available with `--reuse-database`, whose blobs are gone). */
export const IMAGE_SCENARIOS: CatalogueScenarioName[] = ['image-variant', 'image-variant-304'];

/**
 * A GET rotating over `paths`. `expect` is the status every response must have (304 for the
 * revalidation scenario, which autocannon counts as non-2xx; the harness reads that one itself).
 */
export function rotatingGet(
  name: CatalogueScenarioName,
  description: string,
  paths: string[],
  options: { headers?: Record<string, string>; expect?: number } = {},
): Scenario {
  if (paths.length === 0) throw new Error(`${name}: no paths`);
  const tally = new Tally();
  const expect = options.expect ?? 200;
  let next = 0;
  return {
    // `Scenario.name` is typed with the auth/user scenario names of bench/options.ts; the load
    // runner only copies it into the result.
    name: name as unknown as ScenarioName,
    description,
    requests: [
      {
        method: 'GET',
        headers: { accept: 'application/json, application/problem+json, image/*', ...options.headers },
        setupRequest: (request: AutocannonRequest) => {
          const path = paths[next++ % paths.length] as string;
          return { ...request, path };
        },
        onResponse: (status: number, body: string) => {
          if (status !== expect) tally.addResponse(status, body);
        },
      },
    ],
    anomalies: () => tally.counts,
  };
}

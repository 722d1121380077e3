import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createBenchDatabase } from '../bench-database.js';
import { checkDistBuilds } from '../dist-check.js';
import { runScenario, type ScenarioResult } from '../load.js';
import type { DatabaseKind } from '../options.js';
import { describeMachine } from '../report.js';
import { readRssKiB, sampleRss } from '../rss.js';
import type { Scenario } from '../scenarios/scenario.js';
import { type BareComparison, compareWithBare } from './compare-bare.js';
import { CATEGORIES, generateProducts, SEARCH_WORDS, TWO_WORD_SEARCHES } from './generate.js';
import { generateJpeg, type RenderTiming, timeFirstRenders, uploadImage, variantEtag } from './images.js';
import type { CatalogueOptions } from './options.js';
import { type CatalogueResult, renderCatalogueMarkdown, scenarioProblems } from './report.js';
import { type CatalogueScenarioName, IMAGE_SCENARIOS, rotatingGet } from './scenarios.js';
import { importCatalogue, seedStore } from './seed.js';
import { type CatalogueServerLaunch, compileCatalogueServer, startCatalogueServer } from './server-process.js';

const PLUGINS = ['auth', 'user', 'merchant', 'inventory', 'image-proxy'];
// A price range most categories have a dozen or more products in (fromPrice is IDR 10,000–2,000,000).
const FILTER_PRICE = { minPrice: 100_000, maxPrice: 800_000 };

export async function runCatalogueBench(options: CatalogueOptions): Promise<number> {
  if (options.runtime === 'dist') {
    for (const warning of await checkDistBuilds(PLUGINS)) log(`WARNING ${warning}`);
    await compileCatalogueServer();
  }
  const results: CatalogueResult[] = [];
  for (const kind of options.databases) {
    const result = await benchDatabase(kind, options);
    await mkdir(options.outDir, { recursive: true });
    const path = join(options.outDir, `catalogue-${result.startedAt.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}-${kind}.json`);
    await writeFile(path, `${JSON.stringify(result, null, 2)}\n`);
    log(`results written to ${path}`);
    results.push(result);
  }
  process.stdout.write(`${renderCatalogueMarkdown(results)}\n`);
  const failures = results.flatMap((result) => result.failures.map((failure) => `${result.database}: ${failure}`));
  if (failures.length === 0) return 0;
  process.stderr.write(`\nCATALOGUE BENCH FAILED:\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
  return 1;
}

async function benchDatabase(kind: DatabaseKind, options: CatalogueOptions): Promise<CatalogueResult> {
  const startedAt = new Date().toISOString();
  const workDir = await mkdtemp(join(tmpdir(), `tb-bench-catalogue-${kind}-`));
  const database = await createBenchDatabase(kind, { adminUrl: options.postgresUrl, workDir, poolSize: options.poolSize, reuse: options.reuseDatabase });
  const dbUrl = kind === 'postgres' ? database.serverArgs[1] : undefined;
  log(`${kind}: database ${database.label}`);
  const launch: CatalogueServerLaunch = {
    runtime: options.runtime,
    databaseArgs: database.serverArgs,
    blobDir: join(workDir, 'blobs'),
    mailDir: join(workDir, 'mail'),
    signingKey: randomBytes(32).toString('base64url'),
    env: options.serverEnv,
  };
  try {
    // 1. Migrate and seed in a first process (as a store is filled, then restarted).
    const reused = options.reuseDatabase !== undefined;
    const products = reused ? [] : generateProducts(options.products);
    const preparer = await startCatalogueServer(launch);
    let seeding: CatalogueResult['seeding'];
    let storeId: string;
    let imageId = '';
    let imageBytes = 0;
    let handles: string[];
    try {
      const started = performance.now();
      if (reused && dbUrl) {
        // Migrated by the preparer; the store and handles are read back (the image blobs went with the old run).
        const found = await reusedCatalogue(dbUrl, options.handles);
        storeId = found.storeId;
        handles = found.handles;
        seeding = { ...found.seeding, accountSeconds: 0, totalSeconds: (performance.now() - started) / 1000, analyzeSeconds: 0 };
        log(`${kind}: reusing ${database.label}: ${found.seeding.products} products, store ${storeId}`);
      } else {
        const store = await seedStore(preparer.url);
        const accountSeconds = (performance.now() - started) / 1000;
        log(`${kind}: store ${store.storeId}; importing ${products.length} products`);
        const imported = await importCatalogue(preparer.url, store, products, options.batchSize);
        const totalSeconds = (performance.now() - started) / 1000;
        seeding = { ...imported, accountSeconds, totalSeconds, analyzeSeconds: 0 };
        log(`${kind}: seeded ${imported.products} products / ${imported.variants} variants in ${totalSeconds.toFixed(1)} s (${imported.method})`);
        storeId = store.storeId;
        handles = products.slice(0, options.handles).map((product) => product.handle);
        const jpeg = await generateJpeg();
        imageBytes = jpeg.length;
        imageId = await uploadImage(preparer.url, store.storeToken, jpeg);
      }
    } finally {
      await preparer.stop();
    }
    if (dbUrl && options.analyze) {
      const started = performance.now();
      // What autovacuum does within a minute of a bulk import (PostgreSQL 13+ also vacuums after
      // inserts): statistics, and the visibility map that lets index-only scans skip the heap.
      await sqlOnce(dbUrl, 'vacuum analyze');
      seeding.analyzeSeconds = (performance.now() - started) / 1000;
    }

    // 2. Measure a second process on the seeded database.
    const paths = scenarioPaths(storeId, handles, imageId);
    const profile = options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', resolve(options.cpuProfileDir)] : [];
    const server = await startCatalogueServer({ ...launch, nodeArgs: profile });
    const scenarios: ScenarioResult[] = [];
    let comparison: BareComparison | undefined;
    let renders: RenderTiming[] = [];
    let idleRssMiB: number;
    let maxRssMiB: number;
    try {
      log(`${kind}: server ${server.url} (pid ${server.pid})`);
      idleRssMiB = ((await readRssKiB(server.pid)) ?? Number.NaN) / 1024;
      const whole = sampleRss(server.pid);
      for (const name of options.scenarios) {
        let scenario: Scenario;
        if (reused && IMAGE_SCENARIOS.includes(name)) {
          log(`${kind}: ${name} skipped (--reuse-database: the seeded image is gone)`);
          continue;
        }
        if (name === 'list-page-vs-bare') {
          const load = { connections: options.connections, duration: options.duration, warmup: options.warmup, quietWait: options.quietWait };
          comparison = await compareWithBare(
            server,
            launch,
            rotatingGet('list-page', 'GET /inventory/products?limit=20', [paths.list]),
            load,
            options.attempts,
            log,
          );
          continue;
        }
        if (name === 'image-variant' || name === 'image-variant-304') {
          if (renders.length === 0) {
            renders = await timeFirstRenders(server.url, imageId, launch.signingKey);
            for (const render of renders)
              log(`${kind}: first render ${render.variant}: ${render.firstMs.toFixed(0)} ms (then ${render.cachedMs.toFixed(1)} ms)`);
          }
          if (name === 'image-variant') scenario = rotatingGet(name, 'GET a cached preset variant (card, 480×480 WebP)', [paths.card]);
          else {
            const etag = await variantEtag(server.url, paths.card);
            scenario = rotatingGet(name, 'GET the card variant with a matching If-None-Match (304)', [paths.card], {
              headers: { 'if-none-match': etag },
              expect: 304,
            });
          }
        } else scenario = catalogueScenario(name, paths);
        log(`${kind}: ${name} (${options.warmup} s warm-up + ${options.duration} s, ${options.connections} connections)`);
        const result = await runScenario(scenario, {
          url: server.url,
          serverPid: server.pid,
          connections: options.connections,
          duration: options.duration,
          warmup: options.warmup,
          quietWait: options.quietWait,
          attempts: options.attempts,
        });
        log(
          `${kind}: ${name}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.latencyMs.p50} / p97.5 ${result.latencyMs.p97_5} / p99 ${result.latencyMs.p99} ms, statuses ${JSON.stringify(result.statusCodes)}, RSS ${result.rss.maxMiB.toFixed(0)} MiB, cpu server ${result.cpu.server.toFixed(2)} pg ${result.cpu.postgres.toFixed(2)} ac ${result.cpu.loadGenerator.toFixed(2)} other ${result.otherCores.toFixed(2)}`,
        );
        scenarios.push(result);
      }
      maxRssMiB = (await whole.stop()).maxMiB;
    } finally {
      await server.stop();
    }

    // 3. Diagnosis: SQL statements per request, in a separate (unmeasured) process.
    let statements: CatalogueResult['statements'];
    if (options.countQueries && kind === 'postgres') statements = await countStatements(launch, paths);

    const result: CatalogueResult = {
      database: kind,
      label: database.label,
      startedAt,
      machine: describeMachine(),
      options: { ...options, postgresUrl: undefined },
      seeding,
      image: { bytes: imageBytes, width: 1600, height: 1200, renders },
      idleRssMiB,
      maxRssMiB,
      scenarios,
      ...(comparison ? { comparison } : {}),
      ...(statements ? { statements } : {}),
      failures: [],
    };
    result.failures = [...scenarios, ...(comparison?.rounds.flatMap((round) => [round.ours, round.bare]) ?? [])].flatMap((scenario) =>
      scenarioProblems(scenario),
    );
    return result;
  } finally {
    if (options.keepDatabase && kind === 'postgres') log(`${kind}: kept the database ${database.label} (--keep-database); drop it when done`);
    else await database.drop();
    await rm(workDir, { recursive: true, force: true });
  }
}

interface ScenarioPaths {
  list: string;
  filtered: string[];
  byHandle: string[];
  search: string[];
  twoWords: string[];
  card: string;
}

function scenarioPaths(storeId: string, handles: string[], imageId: string): ScenarioPaths {
  return {
    list: '/inventory/products?limit=20',
    filtered: CATEGORIES.map(
      (category) =>
        `/inventory/products?limit=20&category=${encodeURIComponent(category)}&currency=IDR&minPrice=${FILTER_PRICE.minPrice}&maxPrice=${FILTER_PRICE.maxPrice}`,
    ),
    byHandle: handles.map((handle) => `/inventory/products/by-handle/${storeId}/${handle}`),
    search: SEARCH_WORDS.map((word) => `/inventory/products?q=${encodeURIComponent(word)}&limit=20`),
    twoWords: TWO_WORD_SEARCHES.map((words) => `/inventory/products?q=${encodeURIComponent(words)}&limit=20`),
    card: `/image-proxy/images/${imageId}/variants/card`,
  };
}

function catalogueScenario(name: Exclude<CatalogueScenarioName, 'image-variant' | 'image-variant-304' | 'list-page-vs-bare'>, paths: ScenarioPaths): Scenario {
  switch (name) {
    case 'list-page':
      return rotatingGet(name, 'GET /inventory/products?limit=20 (newest first)', [paths.list]);
    case 'list-filtered':
      return rotatingGet(
        name,
        `GET /inventory/products?limit=20&category=<50 rotating>&currency=IDR&minPrice=${FILTER_PRICE.minPrice}&maxPrice=${FILTER_PRICE.maxPrice}`,
        paths.filtered,
      );
    case 'get-by-handle':
      return rotatingGet(name, `GET /inventory/products/by-handle/{storeId}/{handle} over ${paths.byHandle.length} handles`, paths.byHandle);
    case 'search':
      return rotatingGet(name, `GET /inventory/products?q=<${paths.search.length} rotating words>&limit=20`, paths.search);
    case 'search-two-words':
      return rotatingGet(name, `GET /inventory/products?q=<${paths.twoWords.length} rotating two-word queries>&limit=20`, paths.twoWords);
  }
}

async function countStatements(launch: CatalogueServerLaunch, paths: ScenarioPaths): Promise<NonNullable<CatalogueResult['statements']>> {
  const server = await startCatalogueServer({ ...launch, countQueries: true });
  const probes: Array<[string, string[]]> = [
    ['list-page', [paths.list]],
    ['list-filtered', paths.filtered],
    ['get-by-handle', paths.byHandle],
    ['search', paths.search],
    ['search-two-words', paths.twoWords],
    ...(imageIdOf(paths) ? [['image-variant', [paths.card]] as [string, string[]]] : []),
  ];
  const counts: NonNullable<CatalogueResult['statements']> = {};
  try {
    for (const [name, list] of probes) {
      await server.takeQueryCounts();
      const requests = 50;
      for (let i = 0; i < requests; i++) {
        const response = await fetch(`${server.url}${list[i % list.length]}`);
        await response.arrayBuffer();
      }
      const byText = await server.takeQueryCounts();
      const total = Object.values(byText).reduce((sum, count) => sum + count, 0);
      counts[name] = { perRequest: total / requests, byText: Object.fromEntries(Object.entries(byText).map(([text, count]) => [text, count / requests])) };
      log(`statements per request, ${name}: ${(total / requests).toFixed(2)}`);
    }
  } finally {
    await server.stop();
  }
  return counts;
}

const imageIdOf = (paths: ScenarioPaths) => !paths.card.includes('/images//');

/** The store and handles of a catalogue seeded by an earlier run (`--reuse-database`). */
async function reusedCatalogue(
  url: string,
  handles: number,
): Promise<{ storeId: string; handles: string[]; seeding: Omit<CatalogueResult['seeding'], 'accountSeconds' | 'totalSeconds' | 'analyzeSeconds'> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const counts = await client.query<{ products: number; variants: number }>(
      'select (select count(*)::int from inventory.products) as products, (select count(*)::int from inventory.variants) as variants',
    );
    const rows = await client.query<{ store_id: string; handle: string }>('select store_id, handle from inventory.products order by id limit $1', [handles]);
    const storeId = rows.rows[0]?.store_id;
    if (!storeId) throw new Error('--reuse-database: the database has no products');
    const { products, variants } = counts.rows[0] as { products: number; variants: number };
    return {
      storeId,
      handles: rows.rows.map((row) => row.handle),
      seeding: { products, variants, batchSize: 0, method: 'reused', rowsSeconds: 0, commitSeconds: 0, batchSeconds: [] },
    };
  } finally {
    await client.end();
  }
}

async function sqlOnce(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

function log(message: string): void {
  process.stderr.write(`[bench:catalogue] ${message}\n`);
}

import { parseArgs } from 'node:util';
import type { DatabaseKind, Runtime } from '../options.js';
import { CATALOGUE_SCENARIOS, type CatalogueScenarioName } from './scenarios.js';

export interface CatalogueOptions {
  databases: DatabaseKind[];
  scenarios: CatalogueScenarioName[];
  runtime: Runtime;
  duration: number;
  warmup: number;
  connections: number;
  products: number;
  batchSize: number;
  handles: number;
  poolSize: number;
  postgresUrl: string;
  outDir: string;
  attempts: number;
  quietWait: number;
  serverEnv: Record<string, string>;
  cpuProfileDir: string | undefined;
  /** Run ANALYZE after seeding (PostgreSQL), as autovacuum would within its naptime. */
  analyze: boolean;
  /** After the load: count SQL statements per request in a separate server process. */
  countQueries: boolean;
  /** Keep the seeded database afterwards (for EXPLAIN and profiling); its name is printed. */
  keepDatabase: boolean;
  /** Measure an existing database kept by `--keep-database` instead of creating and seeding one (PostgreSQL). */
  reuseDatabase: string | undefined;
}

export const USAGE = `pnpm bench:catalogue [options]

  --db <postgres|pglite|both>   database(s) (default postgres)
  --products <n>                products to seed (default 10000)
  --batch-size <n>              rows per import batch (default 1000, the API's maximum)
  --handles <n>                 handles get-by-handle rotates over (default 1000)
  --duration <s>                measured seconds per scenario (default 10)
  --warmup <s>                  unmeasured warm-up seconds (default 2)
  --connections <n>             concurrent connections (default 20)
  --scenarios <list>            comma-separated: ${CATALOGUE_SCENARIOS.join(',')} (default all)
  --runtime <dist|src>          server on the dist/ builds (default; pnpm build first) or the sources through tsx
  --pool-size <n>               PostgreSQL pool size (default 20)
  --postgres-url <url>          admin connection (default $TOKOBAPAK_BENCH_POSTGRES_URL or postgres://postgres@127.0.0.1:5432/postgres)
  --out <dir>                   results JSON folder (default bench/results)
  --attempts <n>                attempts per scenario while other work disturbs it (default 2); list-page-vs-bare
                                runs this many interleaved rounds of the list page and the bare baseline
  --quiet-wait <s>              wait up to <s> for an idle machine before each attempt (default 20)
  --server-env <KEY=VALUE>      server environment variable (repeatable)
  --cpu-prof <dir>              V8 CPU profile of the measured server into <dir>
  --no-analyze                  skip VACUUM ANALYZE after seeding
  --keep-database               keep the seeded PostgreSQL database (its name is printed) for EXPLAIN and profiling
  --reuse-database <name>       measure a database kept by --keep-database (no seeding; image scenarios are skipped)
  --no-count-queries            skip the statements-per-request probe
`;

export function parseCatalogueOptions(argv: string[]): CatalogueOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string', default: 'postgres' },
      products: { type: 'string', default: '10000' },
      'batch-size': { type: 'string', default: '1000' },
      handles: { type: 'string', default: '1000' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '20' },
      scenarios: { type: 'string', default: CATALOGUE_SCENARIOS.join(',') },
      runtime: { type: 'string', default: 'dist' },
      'pool-size': { type: 'string', default: '20' },
      'postgres-url': { type: 'string', default: process.env.TOKOBAPAK_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
      out: { type: 'string', default: 'bench/results' },
      attempts: { type: 'string', default: '2' },
      'quiet-wait': { type: 'string', default: '20' },
      'server-env': { type: 'string', multiple: true, default: [] },
      'cpu-prof': { type: 'string' },
      'no-analyze': { type: 'boolean', default: false },
      'keep-database': { type: 'boolean', default: false },
      'reuse-database': { type: 'string' },
      'no-count-queries': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const databases = (values.db === 'both' ? 'postgres,pglite' : values.db).split(',').filter(Boolean);
  for (const db of databases) if (db !== 'postgres' && db !== 'pglite') throw new Error(`--db: unknown database "${db}"`);
  const scenarios = values.scenarios.split(',').filter(Boolean) as CatalogueScenarioName[];
  for (const scenario of scenarios) if (!CATALOGUE_SCENARIOS.includes(scenario)) throw new Error(`--scenarios: unknown scenario "${scenario}"`);
  if (values['reuse-database'] !== undefined && !/^[a-z_][a-z0-9_]*$/.test(values['reuse-database'])) throw new Error('--reuse-database: a database name');
  if (values['reuse-database'] !== undefined && databases.join() !== 'postgres') throw new Error('--reuse-database: PostgreSQL only (--db postgres)');
  if (values.runtime !== 'src' && values.runtime !== 'dist') throw new Error(`--runtime: "src" or "dist", not "${values.runtime}"`);
  const num = (flag: string, raw: string, allowZero = false) => {
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) throw new Error(`${flag}: expected a number, got "${raw}"`);
    return value;
  };
  const serverEnv: Record<string, string> = {};
  for (const pair of values['server-env']) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--server-env: expected KEY=VALUE, got "${pair}"`);
    serverEnv[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return {
    databases: databases as DatabaseKind[],
    scenarios,
    runtime: values.runtime,
    duration: num('--duration', values.duration),
    warmup: num('--warmup', values.warmup, true),
    connections: num('--connections', values.connections),
    products: num('--products', values.products),
    batchSize: Math.min(1000, num('--batch-size', values['batch-size'])),
    handles: num('--handles', values.handles),
    poolSize: num('--pool-size', values['pool-size']),
    postgresUrl: values['postgres-url'],
    outDir: values.out,
    attempts: num('--attempts', values.attempts),
    quietWait: num('--quiet-wait', values['quiet-wait'], true),
    serverEnv,
    cpuProfileDir: values['cpu-prof'],
    analyze: !values['no-analyze'],
    countQueries: !values['no-count-queries'],
    keepDatabase: values['keep-database'] === true,
    reuseDatabase: values['reuse-database'],
  };
}

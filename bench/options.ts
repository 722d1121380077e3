import { parseArgs } from 'node:util';

/** A database the store can run on. */
export type DatabaseKind = 'postgres' | 'pglite';
/** A load scenario. */
export type ScenarioName = 'get-profile' | 'token-refresh' | 'login';
/** Where the server process takes the packages from: their sources (through tsx) or their `dist/` builds. */
export type Runtime = 'src' | 'dist';

/** Everything `pnpm bench` can be told. */
export interface BenchOptions {
  databases: DatabaseKind[];
  scenarios: ScenarioName[];
  plugins: string[];
  runtime: Runtime;
  /** Measured seconds per scenario. */
  duration: number;
  /** Unmeasured seconds of the same load before each measured run (JIT, pools, caches). */
  warmup: number;
  connections: number;
  users: number;
  startupRuns: number;
  poolSize: number;
  postgresUrl: string;
  outDir: string;
  /** Longest wait, before each scenario, for other work on the machine to calm down. */
  quietWait: number;
  /** Write a V8 CPU profile of the server (under load) into this folder. */
  cpuProfileDir: string | undefined;
}

const SCENARIOS: ScenarioName[] = ['get-profile', 'token-refresh', 'login'];

/** Usage text for `--help`. */
export const USAGE = `pnpm bench [options]

  --db <postgres|pglite|both>   database(s) to run on (default postgres); "both" runs PostgreSQL then PGlite
  --duration <s>                measured seconds per scenario (default 10)
  --warmup <s>                  unmeasured warm-up seconds before each scenario (default 2; 0 = none)
  --connections <n>             concurrent connections (default 20)
  --users <n>                   users to seed (default 200; at least 3 x connections)
  --scenarios <list>            comma-separated: ${SCENARIOS.join(',')} (default all)
  --plugins <list>              services the store runs (default auth,user; "auth" alone skips get-profile)
  --runtime <src|dist>          server from sources via tsx (default) or from dist/ (run pnpm build first)
  --startup-runs <n>            start-up measurements on the migrated database (default 3; 0 = skip)
  --pool-size <n>               PostgreSQL pool size of the server (default 20)
  --postgres-url <url>          admin connection used to create and drop the bench database
                                (default $TOKOBAPAK_BENCH_POSTGRES_URL or postgres://postgres@127.0.0.1:5432/postgres)
  --out <dir>                   where results JSON goes (default bench/results)
  --quiet-wait <s>              before each scenario, wait up to <s> for the machine to be idle (default 60)
  --cpu-prof <dir>              write a V8 CPU profile of the loaded server into <dir> (for diagnosis)
`;

/** Parses the command line; throws with a readable message on a bad value. */
export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string', default: 'postgres' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '20' },
      users: { type: 'string', default: '200' },
      scenarios: { type: 'string', default: SCENARIOS.join(',') },
      plugins: { type: 'string', default: 'auth,user' },
      runtime: { type: 'string', default: 'src' },
      'startup-runs': { type: 'string', default: '3' },
      'pool-size': { type: 'string', default: '20' },
      'postgres-url': { type: 'string', default: process.env.TOKOBAPAK_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
      out: { type: 'string', default: 'bench/results' },
      'cpu-prof': { type: 'string' },
      'quiet-wait': { type: 'string', default: '60' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';

  const databases = (values.db === 'both' ? 'postgres,pglite' : values.db).split(',').filter(Boolean);
  for (const db of databases) if (db !== 'postgres' && db !== 'pglite') throw new Error(`--db: unknown database "${db}" (postgres, pglite or both)`);
  const plugins = values.plugins.split(',').filter(Boolean);
  let scenarios = values.scenarios.split(',').filter(Boolean) as ScenarioName[];
  for (const scenario of scenarios) if (!SCENARIOS.includes(scenario)) throw new Error(`--scenarios: unknown scenario "${scenario}" (${SCENARIOS.join(', ')})`);
  // GET /user/me belongs to the user service: without it the scenario cannot run.
  if (!plugins.includes('user')) scenarios = scenarios.filter((scenario) => scenario !== 'get-profile');
  if (values.runtime !== 'src' && values.runtime !== 'dist') throw new Error(`--runtime: "src" or "dist", not "${values.runtime}"`);

  const options: BenchOptions = {
    databases: databases as DatabaseKind[],
    scenarios,
    plugins,
    runtime: values.runtime,
    duration: positive('--duration', values.duration),
    warmup: positive('--warmup', values.warmup, true),
    connections: positive('--connections', values.connections),
    users: positive('--users', values.users),
    startupRuns: positive('--startup-runs', values['startup-runs'], true),
    poolSize: positive('--pool-size', values['pool-size']),
    postgresUrl: values['postgres-url'],
    outDir: values.out,
    cpuProfileDir: values['cpu-prof'],
    quietWait: positive('--quiet-wait', values['quiet-wait'], true),
  };
  // Login keeps every user it is signing in out of other connections' reach (throttling counts per email),
  // and the refresh pool needs spare sessions: both need comfortably more users than connections.
  if (options.users < options.connections * 3) throw new Error(`--users must be at least 3 x --connections (${options.connections * 3})`);
  return options;
}

function positive(flag: string, raw: string, allowZero = false): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0))
    throw new Error(`${flag}: expected a ${allowZero ? 'non-negative' : 'positive'} number, got "${raw}"`);
  return value;
}

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
  /** Most attempts per scenario while other work on the machine disturbs the measured run. */
  attempts: number;
  /** Longest wait, before each scenario, for other work on the machine to calm down. */
  quietWait: number;
  /** Extra environment of the server process (deployment settings to compare, e.g. `UV_THREADPOOL_SIZE`). */
  serverEnv: Record<string, string>;
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
  --users <n>                   users to seed (default 200; at least (2 x attempts + 1) x connections)
  --scenarios <list>            comma-separated: ${SCENARIOS.join(',')} (default all)
  --plugins <list>              services the store runs (default auth,user; "auth" alone skips get-profile)
  --runtime <dist|src>          server on the packages' dist/ builds with plain node (default; run pnpm build
                                first), or on their sources through tsx (no build; adds tsx's memory and start-up)
  --startup-runs <n>            start-up measurements on the migrated database (default 3; 0 = skip)
  --pool-size <n>               PostgreSQL pool size of the server (default 20)
  --postgres-url <url>          admin connection used to create and drop the bench database
                                (default $TOKOBAPAK_BENCH_POSTGRES_URL or postgres://postgres@127.0.0.1:5432/postgres)
  --out <dir>                   where results JSON goes (default bench/results)
  --server-env <KEY=VALUE>      environment variable for the server process (repeatable), e.g. UV_THREADPOOL_SIZE=2
  --quiet-wait <s>              before each scenario, wait up to <s> for the machine to be idle (default 60)
  --attempts <n>                run a scenario again, up to <n> times in all, while other work on the machine took
                                more than 0.25 cores during it; the least disturbed attempt is kept (default 3)
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
      runtime: { type: 'string', default: 'dist' },
      'server-env': { type: 'string', multiple: true, default: [] },
      'startup-runs': { type: 'string', default: '3' },
      'pool-size': { type: 'string', default: '20' },
      'postgres-url': { type: 'string', default: process.env.TOKOBAPAK_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
      out: { type: 'string', default: 'bench/results' },
      'cpu-prof': { type: 'string' },
      'quiet-wait': { type: 'string', default: '60' },
      attempts: { type: 'string', default: '3' },
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
    attempts: positive('--attempts', values.attempts),
    serverEnv: parseEnv(values['server-env']),
  };
  // Login keeps every user it is signing in out of other connections' reach (throttling counts per
  // email), and each autocannon run (warm-up or measured) strands the users in flight when it stops.
  const needed = usersNeeded(options);
  if (options.users < needed) throw new Error(`--users must be at least (2 x --attempts + 1) x --connections = ${needed}`);
  return options;
}

function positive(flag: string, raw: string, allowZero = false): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0))
    throw new Error(`${flag}: expected a ${allowZero ? 'non-negative' : 'positive'} number, got "${raw}"`);
  return value;
}

function parseEnv(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--server-env: expected KEY=VALUE, got "${pair}"`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return env;
}

/** Users (and refresh sessions) the scenarios may use up: each autocannon run strands one per connection. */
export function usersNeeded(options: Pick<BenchOptions, 'attempts' | 'connections'>): number {
  return (2 * options.attempts + 1) * options.connections;
}

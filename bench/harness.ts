import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createBenchDatabase } from './bench-database.js';
import { waitForQuietMachine } from './cpu.js';
import { checkDistBuilds } from './dist-check.js';
import { type HashCost, measureHashCost } from './hash-cost.js';
import { runScenario, type ScenarioResult } from './load.js';
import { type BenchOptions, type DatabaseKind, type ScenarioName, usersNeeded } from './options.js';
import { type DatabaseResult, describeMachine, renderMarkdown, scenarioFailures, writeResult } from './report.js';
import { readRssKiB } from './rss.js';
import { getProfileScenario } from './scenarios/get-profile.js';
import { loginScenario } from './scenarios/login.js';
import type { Scenario } from './scenarios/scenario.js';
import { tokenRefreshScenario } from './scenarios/token-refresh.js';
import { type SeededUser, seedUsers, startSessions } from './seed.js';
import { compileServerEntry, measureStartup, type ServerLaunch, startServer } from './server-process.js';

// Long enough that seeded access tokens outlive any --duration; verification costs the same either way.
const ACCESS_TOKEN_TTL_SECONDS = 3_600;

/** Runs every requested database in turn, prints the markdown table, and returns the exit code. */
export async function runBench(options: BenchOptions): Promise<number> {
  if (options.runtime === 'dist') {
    for (const warning of await checkDistBuilds(options.plugins)) log(`WARNING ${warning}`);
    await compileServerEntry();
  }
  const results: DatabaseResult[] = [];
  let hashCost: HashCost | undefined;
  for (const database of options.databases) {
    const result = await benchDatabase(database, options);
    if (options.scenarios.includes('login')) {
      // Measured with the server stopped, so the figure is the machine's, not what was left over.
      if (!hashCost) {
        await waitForQuietMachine(options.quietWait);
        // The auth plugin runs at most one hash per core, and libuv's thread pool (4 threads unless
        // the server is told otherwise) at most that many: the measurement runs as many at once.
        hashCost = await measureHashCost(Math.min(Number(options.serverEnv.UV_THREADPOOL_SIZE ?? 4), availableParallelism()));
      }
      result.hashCost = hashCost;
    }
    const path = await writeResult(options.outDir, result);
    log(`results written to ${path}`);
    results.push(result);
  }
  process.stdout.write(`${renderMarkdown(results)}\n`);
  const failures = results.flatMap((result) => result.failures.map((failure) => `${result.database}: ${failure}`));
  if (failures.length === 0) return 0;
  process.stderr.write(
    `\n${'!'.repeat(72)}\nBENCH FAILED: every response must be 2xx with no errors\n${failures.map((f) => `  - ${f}`).join('\n')}\n${'!'.repeat(72)}\n`,
  );
  return 1;
}

async function benchDatabase(kind: DatabaseKind, options: BenchOptions): Promise<DatabaseResult> {
  const startedAt = new Date().toISOString();
  const workDir = await mkdtemp(join(tmpdir(), `tb-bench-${kind}-`));
  const database = await createBenchDatabase(kind, { adminUrl: options.postgresUrl, workDir, poolSize: options.poolSize });
  log(`${kind}: database ${database.label}`);
  // Without the user service there is no registration: accounts are created as the user service
  // would, which needs the platform secret, so the harness picks it.
  const secret = options.plugins.includes('user') ? undefined : randomBytes(32).toString('base64url');
  const launch: ServerLaunch = {
    runtime: options.runtime,
    databaseArgs: database.serverArgs,
    plugins: options.plugins,
    mailDir: join(workDir, 'mail'),
    accessTokenTtl: ACCESS_TOKEN_TTL_SECONDS,
    env: options.serverEnv,
    ...(secret ? { secret } : {}),
  };
  try {
    // Migrate and seed in a first process, then measure a second one started on that database, as
    // a store runs after a restart: the figures carry no migration or PGlite initdb leftovers.
    log(`${kind}: preparing (migrations, ${options.users} users)`);
    const preparer = await startServer(launch);
    let users: SeededUser[];
    let sessions: string[];
    let seeding: DatabaseResult['seeding'];
    try {
      const seedStarted = performance.now();
      users = await seedUsers(preparer.url, options.users, secret ? { kind: 'credential', secret } : { kind: 'register' });
      // One chain per connection, and spares: every autocannon run strands the tokens in flight when it stops.
      const sessionCount = options.scenarios.includes('token-refresh') ? usersNeeded(options) : 0;
      sessions = await startSessions(preparer.url, users, sessionCount);
      seeding = { users: users.length, sessions: sessions.length, seconds: (performance.now() - seedStarted) / 1000 };
    } finally {
      await preparer.stop();
    }

    const profile = options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', resolve(options.cpuProfileDir)] : [];
    const server = await startServer({ ...launch, nodeArgs: profile });
    let scenarios: ScenarioResult[];
    let idleRssMiB: number;
    try {
      log(`${kind}: server ${server.url} (pid ${server.pid})`);
      idleRssMiB = ((await readRssKiB(server.pid)) ?? Number.NaN) / 1024;
      scenarios = await runScenarios(options, users, sessions, server, kind);
    } finally {
      await server.stop();
    }

    let startup: DatabaseResult['startup'];
    if (options.startupRuns > 0) {
      const runsMs: number[] = [];
      const busyBefore: number[] = [];
      for (let run = 0; run < options.startupRuns; run++) {
        busyBefore.push(await waitForQuietMachine(options.quietWait));
        runsMs.push(await measureStartup(launch));
      }
      startup = { runsMs, medianMs: median(runsMs), backgroundCpuPercent: busyBefore };
      log(`${kind}: start-up ${runsMs.map((value) => `${value.toFixed(0)} ms`).join(', ')}`);
    }

    return {
      database: kind,
      label: database.label,
      startedAt,
      machine: describeMachine(),
      options: {
        scenarios: options.scenarios,
        plugins: options.plugins,
        runtime: options.runtime,
        duration: options.duration,
        warmup: options.warmup,
        connections: options.connections,
        users: options.users,
        startupRuns: options.startupRuns,
        poolSize: options.poolSize,
        quietWait: options.quietWait,
        attempts: options.attempts,
        serverEnv: options.serverEnv,
      },
      seeding,
      idleRssMiB,
      scenarios,
      ...(startup ? { startup } : {}),
      failures: scenarios.flatMap(scenarioFailures),
    };
  } finally {
    await database.drop();
    await rm(workDir, { recursive: true, force: true });
  }
}

async function runScenarios(
  options: BenchOptions,
  users: SeededUser[],
  sessions: string[],
  server: { url: string; pid: number },
  kind: DatabaseKind,
): Promise<ScenarioResult[]> {
  const build: Record<ScenarioName, () => Scenario> = {
    'get-profile': () => getProfileScenario(users.map((user) => user.accessToken)),
    'token-refresh': () => tokenRefreshScenario(sessions),
    login: () => loginScenario(users),
  };
  const results: ScenarioResult[] = [];
  for (const name of options.scenarios) {
    log(`${kind}: ${name} (${options.warmup} s warm-up + ${options.duration} s, ${options.connections} connections)`);
    const result = await runScenario(build[name](), {
      url: server.url,
      serverPid: server.pid,
      connections: options.connections,
      duration: options.duration,
      warmup: options.warmup,
      quietWait: options.quietWait,
      attempts: options.attempts,
    });
    log(
      `${kind}: ${name}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, non-2xx ${result.non2xx}, errors ${result.errors + result.timeouts}, max RSS ${result.rss.maxMiB.toFixed(0)} MiB, other work ${result.otherCores.toFixed(2)} cores, ${result.attempts} attempt(s)`,
    );
    for (const failure of scenarioFailures(result)) log(`  FAILURE ${failure}`);
    results.push(result);
  }
  return results;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

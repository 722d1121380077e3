import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.js';
import { poolQuery, runDirectly } from './direct-queries.js';
import { PreparingClient } from './prepared-statements.js';
import { schemaQualifyingDialect } from './schema-qualified.js';

/** Where the data lives: PostgreSQL when `url` is set, otherwise embedded PGlite. */
export interface DatabaseConfig {
  /** A PostgreSQL connection string (`DATABASE_URL`). */
  url?: string;
  /** PGlite data folder; omitted or `':memory:'` (as the CLI's `--data :memory:`) means in memory (tests, throw-away demos). */
  dataDir?: string;
  /**
   * PGlite only: start from a `dumpDataDir()` tarball instead of an empty cluster (fast test
   * set-up). Without it, a new cluster starts from the empty one that the build puts in `dist/`.
   */
  loadDataDir?: Blob | File;
  /**
   * PGlite only: PostgreSQL settings passed at start, over {@link PGLITE_SETTINGS} (for example
   * `{ shared_buffers: '128MB' }` for a large catalogue).
   */
  pgliteSettings?: Record<string, string>;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /**
   * PostgreSQL only: send query templates as named prepared statements (default true). Turn off
   * behind a pooler that cannot keep them (PgBouncer in transaction mode before 1.21).
   */
  preparedStatements?: boolean;
  /** Told about errors on idle PostgreSQL connections (they are replaced automatically). */
  onIdleError?: (error: Error) => void;
}

/** An open database: one Kysely instance for the whole process, plus how to close it. */
export interface Database {
  kind: 'pglite' | 'postgres';
  // biome-ignore lint/suspicious/noExplicitAny: plugins narrow this with their own table types
  db: Kysely<any>;
  /** The PGlite instance in embedded mode (for dumps in tests). */
  pglite?: PGlite;
  close(): Promise<void>;
}

// Postgres returns bigint (int8) as strings by default; counts and offsets fit in a JS number.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));

/**
 * PostgreSQL settings PGlite starts with. `shared_buffers` is PostgreSQL's 128 MB by default and
 * PGlite allocates it inside its WebAssembly memory, where it is never given back: 16 MB takes a
 * restarted store from about 400 to about 270 MiB resident (docs/performance.md, "Embedded
 * memory"). Reads beyond it come from the operating system's page cache.
 */
export const PGLITE_SETTINGS: Readonly<Record<string, string>> = { shared_buffers: '16MB' };

/** The word that keeps PGlite in memory, as the CLI's `--data :memory:` does. */
export const IN_MEMORY_DATA_DIR = ':memory:';

/** The PGlite folder to keep data in, or undefined for in memory. */
export function persistentDataDir(config: DatabaseConfig | undefined): string | undefined {
  const dataDir = config?.dataDir;
  return dataDir && dataDir !== IN_MEMORY_DATA_DIR ? dataDir : undefined;
}

/**
 * Gives a new cluster the empty one that the build dumps into `dist/`
 * (packages/server/scripts/cluster-snapshot.mjs) instead of letting PGlite run initdb, which holds a
 * second PostgreSQL instance and the initdb program in memory at once. A data folder gets the
 * snapshot unpacked into it by a short-lived child process (handing PGlite the 40 MB tarball leaves
 * its buffers in the process for good, and so does unpacking it here: see {@link unpackSnapshot});
 * in memory, PGlite loads it. Returns what PGlite must load, if anything. From sources before a
 * first build there is no snapshot, and PGlite runs initdb as before.
 */
async function startNewCluster(dataDir: string | undefined): Promise<Blob | undefined> {
  if (dataDir && existsSync(join(dataDir, 'PG_VERSION'))) return undefined;
  const snapshot = clusterSnapshot();
  if (!snapshot) return undefined;
  if (!dataDir) return new Blob([await readFile(snapshot)]);
  await unpackSnapshot(fileURLToPath(snapshot), dataDir);
  return undefined;
}

const run = promisify(execFile);
// CommonJS, so the child needs no module resolution of its own: it is handed tar's resolved path.
const UNPACK = `const [tar, file, cwd] = process.argv.slice(1); require(tar).extract({ file, cwd }).catch((error) => { console.error(error); process.exit(1); });`;

/**
 * Unpacks the snapshot with `tar`'s streaming extractor in a child Node process. Unpacked in the
 * server's own process, the 40 MB of zlib and file buffers fragment the main malloc heap, which
 * glibc cannot give back: a first start then idled about 30 MiB above a restart of the same store
 * (docs/performance.md, "Embedded memory"). The child takes about a tenth of a second to start.
 */
async function unpackSnapshot(file: string, dataDir: string): Promise<void> {
  const tar = createRequire(import.meta.url).resolve('tar');
  await run(process.execPath, ['-e', UNPACK, tar, file, dataDir]);
}

function clusterSnapshot(): URL | undefined {
  // From dist/ the file sits beside this module; from src/ (tests, development) it is in ../dist.
  return ['./pglite-cluster.tar.gz', '../dist/pglite-cluster.tar.gz'].map((path) => new URL(path, import.meta.url)).find((url) => existsSync(url));
}

/**
 * Opens PostgreSQL or PGlite behind the same Kysely API. A PGlite data folder is held by one
 * process at a time: opening one that a live process holds throws {@link DataDirLockedError}.
 */
export async function openDatabase(config: DatabaseConfig = {}): Promise<Database> {
  if (config.url) {
    const pool = new pg.Pool({
      connectionString: config.url,
      max: config.poolSize ?? 10,
      ...(config.preparedStatements === false ? {} : { Client: PreparingClient }),
    });
    // An idle client whose connection dies (server restart, admin termination) emits 'error'; the
    // pool already discards it and opens a new one on demand, so this must not crash the process.
    pool.on('error', (error) => config.onIdleError?.(error));
    const db = new Kysely({ dialect: schemaQualifyingDialect(new PostgresDialect({ pool })) });
    runDirectly(db, poolQuery(pool));
    return { kind: 'postgres', db, close: () => db.destroy() };
  }
  const dataDir = persistentDataDir(config);
  // PGlite creates only the last level of its data folder; a fresh store's `.tokobapak/data` needs both.
  if (dataDir) await mkdir(dataDir, { recursive: true });
  // One process per folder: a second one would acknowledge writes the first never sees (see data-dir-lock.ts).
  const lock = dataDir ? await lockDataDir(dataDir) : undefined;
  let pglite: PGlite;
  try {
    const loadDataDir = config.loadDataDir ?? (await startNewCluster(dataDir));
    const settings = { ...PGLITE_SETTINGS, ...config.pgliteSettings };
    pglite = await PGlite.create({
      ...(dataDir ? { dataDir } : {}),
      ...(loadDataDir ? { loadDataDir } : {}),
      startParams: [...PGlite.defaultStartParams, ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`])],
      parsers: { 20: (value: string) => Number.parseInt(value, 10) },
    });
  } catch (error) {
    await lock?.release();
    throw error;
  }
  const db = new Kysely({ dialect: schemaQualifyingDialect(new PGliteDialect(pglite)) });
  return {
    kind: 'pglite',
    db,
    pglite,
    async close() {
      try {
        await db.destroy();
        if (!pglite.closed) await pglite.close();
      } finally {
        await lock?.release();
      }
    },
  };
}

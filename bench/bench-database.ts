import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import type { DatabaseKind } from './options.js';

/** A throw-away database for one bench run, and the server flags that point at it. */
export interface BenchDatabase {
  kind: DatabaseKind;
  /** What the results call it (database name or data folder). */
  label: string;
  /** `bench/server.ts` flags selecting this database. */
  serverArgs: string[];
  drop(): Promise<void>;
}

/**
 * PostgreSQL: a fresh `tb_bench_<random>` database created through `adminUrl` and dropped (with
 * force, in case a killed server left connections) afterwards. PGlite: a data folder inside
 * `workDir`, which the caller removes.
 */
export async function createBenchDatabase(
  kind: DatabaseKind,
  options: { adminUrl: string; workDir: string; poolSize: number; reuse?: string | undefined },
): Promise<BenchDatabase> {
  if (kind === 'pglite') {
    const dataDir = join(options.workDir, 'data');
    return { kind, label: dataDir, serverArgs: ['--data-dir', dataDir], drop: async () => {} };
  }
  // An existing database (kept by an earlier run) is used as it is and never dropped.
  const name = options.reuse ?? `tb_bench_${randomBytes(6).toString('hex')}`;
  if (!options.reuse) await adminQuery(options.adminUrl, `create database ${name}`);
  const url = new URL(options.adminUrl);
  url.pathname = `/${name}`;
  return {
    kind,
    label: name,
    serverArgs: ['--db-url', url.toString(), '--pool-size', String(options.poolSize)],
    drop: options.reuse ? async () => {} : () => adminQuery(options.adminUrl, `drop database if exists ${name} with (force)`),
  };
}

/** Runs one statement as the admin connection (create or drop a database). */
export async function adminQuery(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

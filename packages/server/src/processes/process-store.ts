import { type Kysely, sql } from 'kysely';
import { executeRiding } from '../statements-ahead.js';
import { LEASE_LOST_CODE } from './migration.js';
import type { ProcessState, ProcessStatus, StepRecord } from './types.js';

// The statements behind durable processes, on `tokobapak.processes`. Every write after the insert
// names the lease owner: a server that lost its lease (it stalled past it, and another took over)
// changes nothing, so one process instance never advances from two servers at once.

// biome-ignore lint/suspicious/noExplicitAny: the runtime's own tables are untyped
type Db = Kysely<any>;

interface ProcessRow {
  id: string;
  plugin: string;
  name: string;
  key: string;
  status: ProcessStatus;
  input: unknown;
  steps: StepRecord[];
  error: ProcessState['error'];
  deadline_at: Date | string | null;
  attempts: number;
  created_at: Date | string;
  updated_at: Date | string;
  finished_at: Date | string | null;
}

/** A stored process with what the runner needs beyond its readable state. */
export interface StoredProcess extends ProcessState {
  attempts: number;
}

const date = (value: Date | string) => (value instanceof Date ? value : new Date(value));

function toState(row: ProcessRow): StoredProcess {
  return {
    id: row.id,
    plugin: row.plugin,
    name: row.name,
    key: row.key,
    status: row.status,
    input: row.input,
    steps: row.steps,
    error: row.error,
    deadlineAt: row.deadline_at === null ? null : date(row.deadline_at),
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
    finishedAt: row.finished_at === null ? null : date(row.finished_at),
    attempts: row.attempts,
  };
}

const json = (value: unknown) => sql`${JSON.stringify(value ?? null)}::jsonb`;

/** Inserts a new running process leased to `owner`; false when the plugin already has one with this key. */
export async function insertProcess(
  db: Db,
  row: {
    id: string;
    plugin: string;
    name: string;
    key: string;
    input: unknown;
    steps: StepRecord[];
    deadlineAt: Date | null;
    owner: string;
    leaseUntil: Date;
    now: Date;
  },
): Promise<boolean> {
  const result = await sql`
    insert into tokobapak.processes (id, plugin, name, key, status, input, steps, deadline_at, lease_owner, lease_until, created_at, updated_at)
    values (${row.id}, ${row.plugin}, ${row.name}, ${row.key}, 'running', ${json(row.input)}, ${json(row.steps)}, ${row.deadlineAt}, ${row.owner}, ${row.leaseUntil}, ${row.now}, ${row.now})
    on conflict (plugin, key) do nothing
    returning id
  `.execute(db);
  return result.rows.length === 1;
}

/** The plugin's process with this id or key. */
export async function findProcess(db: Db, plugin: string, idOrKey: string): Promise<StoredProcess | undefined> {
  const result = await sql<ProcessRow>`
    select * from tokobapak.processes where plugin = ${plugin} and (id = ${idOrKey} or key = ${idOrKey})
    order by (id = ${idOrKey}) desc limit 1
  `.execute(db);
  const row = result.rows[0];
  return row ? toState(row) : undefined;
}

/** What a runner writes after each move. */
export interface ProgressPatch {
  status: ProcessStatus;
  steps: StepRecord[];
  error?: ProcessState['error'];
  attempts?: number;
  /** The lease's new end (the process is handed back when it is in the past). */
  leaseUntil: Date;
  finishedAt?: Date;
  now: Date;
}

/** Stores a move of a process that `owner` holds; false when `owner` no longer holds it. */
export async function saveProgress(db: Db, id: string, owner: string, patch: ProgressPatch): Promise<boolean> {
  const result = await sql`${progressUpdate(id, owner, patch)} returning id`.execute(db);
  return result.rows.length === 1;
}

/**
 * Stores a move of a process that `owner` holds, inside a transaction that must fail if `owner` no
 * longer holds it: the statement itself raises {@link LEASE_LOST_CODE} then (`process_lease_held`),
 * so nobody reads its answer and it rides along with the transaction's `commit` (executeRiding).
 */
export async function saveProgressOrFail(db: Db, id: string, owner: string, patch: ProgressPatch): Promise<void> {
  await executeRiding(
    db,
    sql`with saved as (${progressUpdate(id, owner, patch)} returning 1) select tokobapak.process_lease_held((select count(*) from saved), ${id})`,
  );
}

/** Whether `error` is a save's refusal by {@link saveProgressOrFail}: the process was taken over. */
export function isLeaseLost(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === LEASE_LOST_CODE;
}

function progressUpdate(id: string, owner: string, patch: ProgressPatch) {
  return sql`
    update tokobapak.processes set
      status = ${patch.status},
      steps = ${json(patch.steps)},
      ${patch.error !== undefined ? sql`error = ${json(patch.error)},` : sql``}
      ${patch.attempts !== undefined ? sql`attempts = ${patch.attempts},` : sql``}
      lease_until = ${patch.leaseUntil},
      ${patch.finishedAt ? sql`finished_at = ${patch.finishedAt}, lease_owner = null,` : sql``}
      updated_at = ${patch.now}
    where id = ${id} and lease_owner = ${owner}`;
}

/** Extends the leases `owner` holds on these processes. */
export async function renewLeases(db: Db, ids: string[], owner: string, leaseUntil: Date): Promise<void> {
  if (ids.length === 0) return;
  await sql`
    update tokobapak.processes set lease_until = ${leaseUntil}
    where id in (${sql.join(ids.map((id) => sql`${id}`))}) and lease_owner = ${owner} and status in ('running', 'compensating')
  `.execute(db);
}

/**
 * Takes up to `limit` unfinished processes of these plugins whose lease ran out (their server died,
 * or a compensation retry is due) and leases them to `owner`. Rows another server is taking at the
 * same moment are skipped, not waited for, so each process goes to exactly one server. `exclude`
 * names the processes the caller is driving itself (a clock that jumped makes their leases look old);
 * `only` takes just the one process with that id, if it is due.
 */
export async function claimOrphans(
  db: Db,
  options: { plugins: string[]; owner: string; now: Date; leaseUntil: Date; limit: number; exclude: string[]; only?: string },
): Promise<StoredProcess[]> {
  if (options.plugins.length === 0) return [];
  const result = await sql<ProcessRow>`
    update tokobapak.processes p set lease_owner = ${options.owner}, lease_until = ${options.leaseUntil}
    from (
      select id from tokobapak.processes
      where status in ('running', 'compensating') and lease_until <= ${options.now}
        and plugin in (${sql.join(options.plugins.map((plugin) => sql`${plugin}`))})
        ${options.exclude.length > 0 ? sql`and id not in (${sql.join(options.exclude.map((id) => sql`${id}`))})` : sql``}
        ${options.only !== undefined ? sql`and id = ${options.only}` : sql``}
      order by lease_until
      limit ${options.limit}
      for update skip locked
    ) due
    where p.id = due.id
    returning p.*
  `.execute(db);
  return result.rows.map(toState);
}

/**
 * Ends the lease of every unfinished process held by another OS process (owner ids start with
 * `host/pid/`). Only for PGlite, whose data folder one OS process opens at a time: any other is gone,
 * so its processes need not wait for their leases to run out. Servers of this same OS process (tests
 * start several on one database) keep theirs.
 */
export async function expireLeasesOfOtherProcesses(db: Db, ownerPrefix: string, now: Date): Promise<void> {
  await sql`
    update tokobapak.processes set lease_until = ${now}
    where status in ('running', 'compensating') and lease_until > ${now} and left(lease_owner, ${ownerPrefix.length}) <> ${ownerPrefix}
  `.execute(db);
}

import { type Kysely, sql } from 'kysely';

// The statements behind scheduled jobs, on `tokobapak.scheduled_jobs`.

// biome-ignore lint/suspicious/noExplicitAny: the runtime's own tables are untyped
type Db = Kysely<any>;

/**
 * Takes or renews the job's lease for `holder` and answers when the job runs next; undefined when
 * another holder's lease is still running. One statement: when servers race for an expired lease,
 * PostgreSQL locks the row for the first and re-checks the condition for the others, so one wins.
 */
export async function claimJob(db: Db, options: { name: string; holder: string; now: Date; leaseUntil: Date }): Promise<Date | undefined> {
  const { name, holder, now, leaseUntil } = options;
  const result = await sql<{ next_run_at: Date | string }>`
    insert into tokobapak.scheduled_jobs as j (name, holder, lease_until, next_run_at)
    values (${name}, ${holder}, ${leaseUntil}, ${now})
    on conflict (name) do update set holder = excluded.holder, lease_until = excluded.lease_until
      where j.holder = excluded.holder or j.lease_until <= ${now}
    returning j.next_run_at
  `.execute(db);
  const row = result.rows[0];
  return row ? new Date(row.next_run_at) : undefined;
}

/** Records a finished run and when the next one is due (only while `holder` still holds the job). */
export async function recordRun(db: Db, options: { name: string; holder: string; startedAt: Date; nextRunAt: Date; error: string | undefined }): Promise<void> {
  const failed = options.error !== undefined;
  await sql`
    update tokobapak.scheduled_jobs set next_run_at = ${options.nextRunAt}, last_run_at = ${options.startedAt},
      runs = runs + 1, failures = failures + ${failed ? 1 : 0}, last_error = ${options.error ?? null}
    where name = ${options.name} and holder = ${options.holder}
  `.execute(db);
}

/** Gives up the leases `holder` has, so another server takes the jobs at its next check (a clean shutdown). */
export async function releaseJobs(db: Db, holder: string, now: Date): Promise<void> {
  await sql`update tokobapak.scheduled_jobs set lease_until = ${now} where holder = ${holder} and lease_until > ${now}`.execute(db);
}

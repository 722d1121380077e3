import { type Kysely, sql } from 'kysely';

/** What the embedded database's stand-in for autovacuum needs. */
export interface MaintenanceOptions {
  /** How often tables are checked (default 30 s). */
  intervalMs?: number;
  /** Told what ran, and about failures (maintenance never throws into the server). */
  log?: { info(object: object, message: string): void; warn(object: object, message: string): void };
}

/** The running maintenance loop. */
export interface Maintenance {
  /** Runs one pass now: analyzes and vacuums what the thresholds call for. Returns what it did. */
  runOnce(): Promise<MaintenancePass>;
  /** Stops the loop and waits for a pass in progress. */
  stop(): Promise<void>;
}

/** One pass: the tables analyzed and vacuumed (`schema.table`). */
export interface MaintenancePass {
  analyzed: string[];
  vacuumed: string[];
}

interface TableActivity {
  schema: string;
  table: string;
  live: number;
  modifiedSinceAnalyze: number;
  dead: number;
  insertedSinceVacuum: number;
  /** -1 when the table has never been analyzed or vacuumed (persists across restarts, unlike the counters). */
  reltuples: number;
  /** Pages the planner believes the table has (as of the last ANALYZE or VACUUM) … */
  relpages: number;
  /** … and the pages it has now. */
  pages: number;
}

// PostgreSQL's own autovacuum defaults: a table is analyzed once 50 rows + 10% of it changed, and
// vacuumed once 50 rows + 20% of it are dead or 1,000 rows + 20% were inserted.
// The activity counters live in memory and PGlite may lose them when it closes, so a table whose
// size moved away from what the planner believes (a bulk import before a restart) counts as changed.
const analyzeNeeded = (t: TableActivity) =>
  t.reltuples < 0 || t.modifiedSinceAnalyze > 50 + 0.1 * t.live || Math.abs(t.pages - t.relpages) > 10 + 0.2 * t.relpages;
const vacuumNeeded = (t: TableActivity) => t.dead > 50 + 0.2 * t.live || t.insertedSinceVacuum > 1_000 + 0.2 * t.live;

/**
 * PGlite runs PostgreSQL in single-user mode, without the autovacuum workers: tables are never
 * analyzed, so after a bulk import the planner still believes a table is empty and picks plans that
 * read all of it (a catalogue page took 38 ms instead of 0.5 ms on 10,000 products), and dead rows
 * are never reclaimed. This loop does autovacuum's job with autovacuum's thresholds, on the one
 * connection, a table at a time: a pass over a quiet store reads one statistics view and does nothing.
 */
// biome-ignore lint/suspicious/noExplicitAny: maintenance covers every schema
export function startEmbeddedMaintenance(db: Kysely<any>, options: MaintenanceOptions = {}): Maintenance {
  let running: Promise<MaintenancePass> | undefined;
  let stopped = false;

  async function pass(): Promise<MaintenancePass> {
    // Activity counters reach the statistics views at most once a second, on a timer single-user
    // mode may not fire: ask for the pending ones first (its own statement, so they are flushed).
    await sql`select pg_stat_force_next_flush()`.execute(db);
    const result = await sql<TableActivity>`
      select s.schemaname as schema, s.relname as table, s.n_live_tup::int as live,
        s.n_mod_since_analyze::int as "modifiedSinceAnalyze", s.n_dead_tup::int as dead,
        s.n_ins_since_vacuum::int as "insertedSinceVacuum", c.reltuples::float8 as reltuples,
        c.relpages::int as relpages, (pg_relation_size(c.oid) / current_setting('block_size')::int)::int as pages
      from pg_stat_user_tables s join pg_class c on c.oid = s.relid
      order by s.schemaname, s.relname
    `.execute(db);
    const done: MaintenancePass = { analyzed: [], vacuumed: [] };
    for (const table of result.rows) {
      if (stopped) break;
      const name = sql`${sql.id(table.schema)}.${sql.id(table.table)}`;
      const label = `${table.schema}.${table.table}`;
      // VACUUM cannot run in a transaction; PGlite runs each statement on its own outside one.
      if (vacuumNeeded(table)) {
        await sql`vacuum (analyze) ${name}`.execute(db);
        done.vacuumed.push(label);
        done.analyzed.push(label);
      } else if (analyzeNeeded(table)) {
        await sql`analyze ${name}`.execute(db);
        done.analyzed.push(label);
      }
    }
    if (done.analyzed.length > 0) options.log?.info(done, 'embedded database maintenance');
    return done;
  }

  function runOnce(): Promise<MaintenancePass> {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  }

  const tick = () => {
    runOnce().catch((error: unknown) => options.log?.warn({ err: error }, 'embedded database maintenance failed'));
  };
  const timer = setInterval(tick, options.intervalMs ?? 30_000);
  timer.unref();
  // A first pass right away: a data folder written before this process (an import, a restore) gets statistics now.
  tick();

  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}

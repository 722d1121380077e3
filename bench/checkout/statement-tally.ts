/**
 * Counts the statements a bench server sends, by statement text, where every pooled client sends
 * them (`pg.Client.prototype.query`). The harness resets the tally when its measured window opens
 * (SIGUSR2) and has it written out when the window closes (SIGUSR1), so the counts divided by the
 * checkouts completed in the window say what one checkout costs, statement by statement.
 */
import { writeFileSync } from 'node:fs';
import pg from 'pg';

/** Starts counting; `file` is where SIGUSR1 writes the tally (JSON: statement text → count). */
export function tallyStatements(file: string): void {
  let counts = new Map<string, number>();
  // Each transaction's statements in order, per connection, and how often each such sequence ran.
  const open = new WeakMap<object, string[]>();
  let transactions = new Map<string, number>();
  const send = pg.Client.prototype.query;
  const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: string } | undefined;
    const text = typeof first === 'string' ? first : (first?.text ?? '?');
    const key = keyOf(text, typeof first === 'object' ? (first as { name?: string } | undefined)?.name : undefined);
    count(key);
    const short = key.slice(0, key.indexOf(']') + 72);
    // What went out ahead of the statement in its round trip (statements-ahead.ts): `begin`, and
    // riders, counted as statements of their own, marked `↪`.
    const ahead = (first as { ahead?: { begin: boolean; riders: Array<{ name: string }> } } | undefined)?.ahead;
    const parsed = (this as unknown as { connection?: { parsedStatements?: Record<string, string> } }).connection?.parsedStatements ?? {};
    const riders = (ahead?.riders ?? []).map((rider) => `${RIDER_MARK}${keyOf(parsed[rider.name] ?? '?', rider.name)}`);
    for (const rider of riders) count(rider);
    const begins = text === 'begin' || ahead?.begin === true;
    if (begins) open.set(this, []);
    const sequence = [
      ...riders.map((rider) => rider.slice(0, rider.indexOf(']') + 72)),
      ...(text === 'begin' || text === 'commit' || text === 'rollback' ? [] : [short]),
    ];
    if (text === 'commit' || text === 'rollback') {
      const shape = `${text}: ${[...(open.get(this) ?? []), ...sequence].join(' → ')}`;
      open.delete(this);
      transactions.set(shape, (transactions.get(shape) ?? 0) + 1);
    } else if (open.has(this)) open.get(this)?.push(...sequence);
    else transactions.set(`autocommit: ${short}`, (transactions.get(`autocommit: ${short}`) ?? 0) + 1);
    return (send as (...rest: unknown[]) => unknown).apply(this, args);
  } as typeof send;
  process.on('SIGUSR2', () => {
    counts = new Map();
    transactions = new Map();
  });
  process.on('SIGUSR1', () => {
    writeFileSync(file, JSON.stringify(Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]))));
    writeFileSync(`${file}.transactions.json`, JSON.stringify(Object.fromEntries([...transactions].sort((a, b) => b[1] - a[1]))));
  });
}

/** Marks a statement that rode along with another: it ran, but cost no round trip of its own. */
export const RIDER_MARK = '↪ ';

/** A statement's tally key: the query template it comes from (`tb_<template>_<hash>`; Kysely's built queries are `auto` or unnamed) and its text. */
function keyOf(text: string, name: string | undefined): string {
  const label = name?.match(/^tb_(.+)_[0-9a-f]{12}$/)?.[1] ?? 'unnamed';
  return `[${label}] ${text.replace(/\s+/g, ' ').trim().slice(0, 160)}`;
}

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
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: string } | undefined;
    const text = typeof first === 'string' ? first : (first?.text ?? '?');
    // A query template's statement is named after it (`tb_<template>_<hash>`); Kysely's built queries are `auto` or unnamed.
    const name = typeof first === 'object' ? (first as { name?: string } | undefined)?.name : undefined;
    const label = name?.match(/^tb_(.+)_[0-9a-f]{12}$/)?.[1] ?? 'unnamed';
    const key = `[${label}] ${text.replace(/\s+/g, ' ').trim().slice(0, 160)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const short = `[${label}] ${text.replace(/\s+/g, ' ').trim().slice(0, 70)}`;
    const begins = text === 'begin' || (first as object | undefined)?.constructor?.name === 'BeginThenStatement';
    if (begins) open.set(this, text === 'begin' ? [] : [short]);
    else if (text === 'commit' || text === 'rollback') {
      const shape = `${text}: ${(open.get(this) ?? []).join(' → ')}`;
      open.delete(this);
      transactions.set(shape, (transactions.get(shape) ?? 0) + 1);
    } else if (open.has(this)) open.get(this)?.push(short);
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

import { sql } from 'kysely';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { UserCaller } from '../src/caller.js';
import { createDeletedAccounts, deletedAccountsMigration } from '../src/deleted-accounts.js';
import { openTestDatabase } from '../src/testing/test-database.js';

// The denylist check is shared by the writes that ask in one turn of the event loop. Sharing must
// never let a listed account through, nor refuse a live one that asked beside it, and it must
// still see a deletion made just before (a read that began earlier is never reused).
let database: Awaited<ReturnType<typeof openTestDatabase>>;

beforeAll(async () => {
  database = await openTestDatabase();
  await sql`create schema if not exists tokobapak`.execute(database.db);
  await deletedAccountsMigration.up(database.db);
});
afterAll(async () => {
  await database?.close();
});

const person = (userId: string): UserCaller => ({ kind: 'user', userId, role: 'customer', sessionId: 'ses_test' }) as UserCaller;

test('writes asked together: each deleted account is refused, each live one passes', async () => {
  const denylist = createDeletedAccounts(database.db);
  await denylist.markDeleted('usr_gone_1', new Date());
  await sql`insert into tokobapak.deleted_accounts (user_id, deleted_at) values ('usr_gone_2', now())`.execute(database.db);
  for (let round = 0; round < 5; round++) {
    // A new denylist each round, so `usr_gone_2` (listed behind its back) is looked up, not remembered.
    const fresh = createDeletedAccounts(database.db);
    const ids = ['usr_live_a', 'usr_gone_2', 'usr_live_b', 'usr_gone_1', 'usr_live_c'].slice(round % 2);
    const outcomes = await Promise.allSettled(ids.map((id) => fresh.refuseWritesOfDeleted('POST', person(id))));
    expect(outcomes.map((outcome, index) => [ids[index], outcome.status])).toEqual(ids.map((id) => [id, id.startsWith('usr_gone') ? 'rejected' : 'fulfilled']));
    for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  }
});

test('the writes asked in one turn cost one lookup together', async () => {
  let statements = 0;
  // A Kysely instance of its own, so every statement goes through the counting plugin.
  const counted = database.db.withPlugin({
    transformQuery: (args) => args.node,
    // Templates run compiled statements, which skip transformQuery; every result comes back through here.
    transformResult: async (args) => {
      statements += 1;
      return args.result;
    },
  });
  const denylist = createDeletedAccounts(counted);
  const ids = ['usr_one', 'usr_two', 'usr_three', 'usr_gone_1', 'usr_four'];
  const outcomes = await Promise.allSettled(ids.map((id) => denylist.refuseWritesOfDeleted('DELETE', person(id))));
  expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  expect(statements).toBe(1);
  // Alone, a write still asks on its own.
  await denylist.refuseWritesOfDeleted('PATCH', person('usr_one'));
  expect(statements).toBe(2);
});

test('a deletion committed just before a write is seen by that write, with other writes asking beside it', async () => {
  const denylist = createDeletedAccounts(database.db);
  await expect(denylist.refuseWritesOfDeleted('POST', person('usr_soon_gone'))).resolves.toBeUndefined();
  await sql`insert into tokobapak.deleted_accounts (user_id, deleted_at) values ('usr_soon_gone', now())`.execute(database.db);
  const outcomes = await Promise.allSettled([
    denylist.refuseWritesOfDeleted('PUT', person('usr_other')),
    denylist.refuseWritesOfDeleted('PUT', person('usr_soon_gone')),
  ]);
  expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected']);
  // Reads are never checked.
  await expect(denylist.refuseWritesOfDeleted('GET', person('usr_soon_gone'))).resolves.toBeUndefined();
});

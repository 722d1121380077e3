import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { definePlugin, type OpenApiDocument, type Plugin, type PluginContext } from '../src/index.js';
import { createTestServer, type TestServer } from '../src/testing/index.js';

// `tx.afterCommit` runs work only once the transaction it was given in has committed: a plugin acts
// on what it wrote (starts a process, calls a service) without reading it back, and never on a
// write that rolled back.

const spec: OpenApiDocument = {
  openapi: '3.1.0',
  info: { title: 'notes', version: '0' },
  paths: {
    '/notes/committed': { post: { operationId: 'writeCommitted', security: [], responses: { '200': { description: 'ok' } } } },
    '/notes/rolled-back': { post: { operationId: 'writeRolledBack', security: [], responses: { '200': { description: 'ok' } } } },
  },
};

interface NotesDatabase {
  notes: { id: string };
}

let context: PluginContext<NotesDatabase> | undefined;
/** The notes each run of after-commit work found committed, by the note it was given for. */
const workRuns = new Map<string, number[]>();

function noted(id: string, ctx: Pick<PluginContext<NotesDatabase>, 'db'>): void {
  void ctx.db
    .selectFrom('notes')
    .select('id')
    .where('id', '=', id)
    .execute()
    .then((rows) => workRuns.set(id, [...(workRuns.get(id) ?? []), rows.length]));
}

function notes(): Plugin {
  return definePlugin<any, NotesDatabase>({
    name: 'notes',
    summary: 'writes notes and acts on them after the commit',
    spec,
    migrations: {
      '0001_notes': {
        async up(db: Kysely<any>) {
          await db.schema
            .createTable('notes')
            .addColumn('id', 'text', (column) => column.primaryKey())
            .execute();
        },
      },
    },
    subscriptions: [
      {
        name: 'note-events',
        types: ['notes.noted'],
        async handle(event, tx) {
          const id = (event.data as { id: string; fail?: boolean }).id;
          await tx.db.insertInto('notes').values({ id }).execute();
          tx.afterCommit(() => noted(id, context as PluginContext<NotesDatabase>));
          // Fails on its first delivery only, after its write and its after-commit work were given.
          if ((event.data as { fail?: boolean }).fail && !failedOnce.has(id)) {
            failedOnce.add(id);
            throw new Error('the first delivery fails');
          }
        },
      },
    ],
    async onStart(ctx) {
      context = ctx;
    },
    handlers: {
      async writeCommitted(_request, ctx) {
        await ctx.transaction(async (tx) => {
          await tx.db.insertInto('notes').values({ id: 'committed' }).execute();
          tx.afterCommit(() => noted('committed', ctx));
        });
        return undefined;
      },
      async writeRolledBack(_request, ctx) {
        await ctx
          .transaction(async (tx) => {
            await tx.db.insertInto('notes').values({ id: 'rolled-back' }).execute();
            tx.afterCommit(() => noted('rolled-back', ctx));
            throw new Error('changed my mind');
          })
          .catch(() => undefined);
        return undefined;
      },
    },
  });
}

const failedOnce = new Set<string>();
let server: TestServer;

beforeAll(async () => {
  server = await createTestServer({ plugins: [notes()] });
});
afterAll(async () => {
  await server?.close();
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('work after a commit', () => {
  test('ctx.transaction: runs once the write is committed, and never for one rolled back', async () => {
    expect((await server.app.inject({ method: 'POST', url: '/notes/committed' })).statusCode).toBe(200);
    expect((await server.app.inject({ method: 'POST', url: '/notes/rolled-back' })).statusCode).toBe(200);
    await settle();
    // Run once, and the write it follows was already visible to another statement outside the transaction.
    expect(workRuns.get('committed')).toEqual([1]);
    expect(workRuns.has('rolled-back')).toBe(false);
  });

  test('an event consumer: work given in a batch that rolled back (a later event failed) does not run; its redelivery’s does, once', async () => {
    await (context as PluginContext<NotesDatabase>).transaction((tx) =>
      tx.publishMany([
        { type: 'notes.noted', data: { id: 'first' } },
        { type: 'notes.noted', data: { id: 'second', fail: true } },
      ]),
    );
    await server.relay.drain();
    await settle();
    expect(workRuns.get('first')).toEqual([1]);
    // The failing delivery rolled back: its work did not run (its retry comes later).
    expect(workRuns.has('second')).toBe(false);
  });
});

import { readFile } from 'node:fs/promises';
import { eventTypes } from '@tokobapak/sdk';
import { applyMigrations } from '@tokobapak/server';
import { openTestDatabase } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { describe, expect, test } from 'vitest';
import { promotedItemErrors, promotedItemPlugin } from '../src/index.js';

const codes = Object.keys(promotedItemErrors.specs).sort();

describe('the promoted-item plugin', () => {
  test('declares itself as the promoted-item service and checks its options', () => {
    const plugin = promotedItemPlugin();
    expect(plugin.name).toBe('promoted-item');
    expect(plugin.summary).toMatch(/\w/);
    expect(plugin.subscriptions ?? []).toEqual([]);
    expect(() => promotedItemPlugin({ homepageLimit: 0 })).toThrow(/homepageLimit/);
    expect(() => promotedItemPlugin({ homepageLimit: 51 })).toThrow(/homepageLimit/);
  });

  test('every error code the spec names is in the catalogue, and every catalogued one is in the spec', () => {
    const named = new Set(JSON.stringify(promotedItemPlugin().spec).match(/\bPROMOTED_ITEM_[A-Z_]+\b/g));
    expect([...named].sort()).toEqual(codes);
  });

  test('docs/services/promoted-item.md lists every error code with its status, and every event', async () => {
    const doc = await readFile(new URL('../../../../docs/services/promoted-item.md', import.meta.url), 'utf8');
    for (const code of codes)
      expect(doc, code).toContain(`| \`${code}\` | ${promotedItemErrors.specs[code as keyof typeof promotedItemErrors.specs].status} |`);
    const listed = [...doc.matchAll(/^\| `(PROMOTED_ITEM_[A-Z_]+)` \|/gm)].map((match) => match[1]).sort();
    expect(listed).toEqual(codes);
    for (const type of Object.values(eventTypes.promotedItem)) expect(doc, type).toContain(`\`${type}\``);
  });

  test('migrations go down and up again cleanly', async () => {
    const database = await openTestDatabase();
    try {
      const plugins = [promotedItemPlugin()];
      expect((await applyMigrations(database.db, plugins, 'up')).error).toBeUndefined();
      expect((await applyMigrations(database.db, plugins, 'down')).error).toBeUndefined();
      const left = await sql<{
        n: number;
      }>`select count(*)::int as n from information_schema.tables where table_schema = 'promoted-item' and table_name not like 'kysely_%'`.execute(database.db);
      expect(left.rows[0]?.n).toBe(0);
      expect((await applyMigrations(database.db, plugins, 'up')).error).toBeUndefined();
    } finally {
      await database.close();
    }
  });
});

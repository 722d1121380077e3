import type { PromotedItemComponents, TokoBapakClient } from '@tokobapak/sdk';
import type { Clock } from '@tokobapak/server';
import { createTestServer, type TestServer } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { promotedItemPlugin } from '../src/index.js';

export type Schemas = PromotedItemComponents['schemas'];

/** A clock the test moves by hand. */
export interface ManualClock extends Clock {
  set(time: string | Date): void;
  advance(ms: number): void;
}

/**
 * A clock standing at `start` until moved; by default the current minute, because access tokens
 * are also checked against the real time, so a token signed far in the past would be refused.
 */
export function manualClock(start: string | Date = startOfMinute()): ManualClock {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set(time) {
      current = new Date(time);
    },
    advance(ms) {
      current = new Date(current.getTime() + ms);
    },
  };
}

/** The start of the current minute: a round time for schedules, recent enough for access tokens. */
export function startOfMinute(): Date {
  return new Date(Math.floor(Date.now() / 60_000) * 60_000);
}

/** The promoted-item service alone on a fresh database, on the given clock. */
export function startServer(clock: Clock = manualClock()): Promise<TestServer> {
  return createTestServer({ plugins: [promotedItemPlugin()], clock });
}

let counter = 0;

/** A well-formed id with a prefix, unique within this test file. */
export function fakeId(prefix: string): string {
  counter += 1;
  return `${prefix}_${counter.toString(36).padStart(26, '0')}`;
}

/** Two stores for the tenant checks. */
export const STORE_A = `sto_${'a'.repeat(26)}`;
export const STORE_B = `sto_${'b'.repeat(26)}`;

const SESSION = `ses_${'0'.repeat(26)}`;

/**
 * Clients holding access tokens signed directly (no auth or merchant service needed). Each call
 * signs a fresh token, so a test that moves the clock past a token's lifetime still gets a valid one.
 */
export function callers(server: TestServer) {
  const as = (accessToken: string): TokoBapakClient => server.client({ accessToken, autoRefresh: false });
  return {
    guest: (): TokoBapakClient => server.client(),
    admin: () => as(server.tokens.signAccessToken({ userId: fakeId('usr'), role: 'admin', sessionId: SESSION })),
    customer: () => as(server.tokens.signAccessToken({ userId: fakeId('usr'), role: 'customer', sessionId: SESSION })),
    store: (storeId: string, storeRole: 'owner' | 'manager' | 'staff' = 'manager') =>
      as(server.tokens.signAccessToken({ userId: fakeId('usr'), role: 'customer', sessionId: SESSION, storeId, storeRole })),
    /** A raw `Authorization` header for `inject()` calls. */
    storeHeader: (storeId: string) => ({
      authorization: `Bearer ${server.tokens.signAccessToken({ userId: fakeId('usr'), role: 'customer', sessionId: SESSION, storeId, storeRole: 'manager' })}`,
    }),
  };
}

/** A banner body with sensible defaults. */
export function bannerInput(overrides: Partial<Schemas['BannerInput']> = {}): Schemas['BannerInput'] {
  return { placement: 'home-hero', title: 'Promo Ramadan', imageId: fakeId('img'), linkUrl: 'https://toko.example/ramadan', ...overrides };
}

/** A promotion body with sensible defaults. */
export function promotionInput(overrides: Partial<Schemas['ProductPromotionInput']> = {}): Schemas['ProductPromotionInput'] {
  return { placement: 'home-strip', productId: fakeId('prod'), ...overrides };
}

/** Asserts that a call failed with this status and problem code. */
export async function expectProblem(call: Promise<unknown>, status: number, code: string): Promise<void> {
  await expect(call).rejects.toMatchObject({ name: 'TokoBapakError', status, code });
}

/** One outbox row as tests read it. */
export interface OutboxEvent {
  type: string;
  source: string;
  subject: string | null;
  data: Record<string, unknown>;
}

/** Every event of the given types in `tokobapak.outbox`, in outbox order. */
export async function outboxEvents(server: TestServer, ...types: string[]): Promise<OutboxEvent[]> {
  const result = await sql<OutboxEvent>`select type, source, subject, data from tokobapak.outbox where type in (${sql.join(types)}) order by id`.execute(
    server.database.db,
  );
  return result.rows.map((row) => ({ ...row, data: typeof row.data === 'string' ? JSON.parse(row.data) : row.data }));
}

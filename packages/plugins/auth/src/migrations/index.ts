import type { Migration } from 'kysely';
import { initial } from './0001-initial.js';
import { storeSessions } from './0002-store-sessions.js';

/** The auth service's migrations, applied in name order inside schema `auth`. */
export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-store-sessions': storeSessions,
};

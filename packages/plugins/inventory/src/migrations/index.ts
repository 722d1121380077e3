import type { Migration } from 'kysely';
import { initial } from './0001-initial.js';
import { stagedImports } from './0002-staged-imports.js';

/** The inventory service's migrations, applied in name order inside schema `inventory`. */
export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-staged-imports': stagedImports,
};

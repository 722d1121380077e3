import type { Migration } from 'kysely';
import { initial } from './0001-initial.js';
import { codesPerOwner } from './0002-codes-per-owner.js';

/** The promotion service's migrations, applied in name order inside schema `promotion`. */
export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-codes-per-owner': codesPerOwner,
};

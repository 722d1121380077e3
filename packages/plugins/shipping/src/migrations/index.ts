import type { Migration } from 'kysely';
import { initial } from './0001-initial.js';

/** The shipping service's migrations, applied in name order inside schema `shipping`. */
export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
};

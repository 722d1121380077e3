import type { Migration } from 'kysely';
import { initial } from './0001-initial.js';
import { movedItems } from './0002-moved-items.js';

/** The wishlist service's migrations, applied in name order inside schema `wishlist`. */
export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-moved-items': movedItems,
};

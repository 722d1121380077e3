import type { Migration } from 'kysely';
import { initial } from './0001-initial.js';
import { membershipEmail } from './0002-membership-email.js';

/** The merchant service's migrations, applied in name order inside schema `merchant`. */
export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-membership-email': membershipEmail,
};

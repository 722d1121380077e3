import type { Migration } from 'kysely';
import { initial } from './0001-initial.js';
import { membershipEmail } from './0002-membership-email.js';
import { balanceLedger } from './0003-balance-ledger.js';

/** The merchant service's migrations, applied in name order inside schema `merchant`. */
export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-membership-email': membershipEmail,
  '0003-balance-ledger': balanceLedger,
};

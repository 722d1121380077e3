import type { HandlerContext } from '@tokobapak/server';
import type { Kysely } from 'kysely';
import type { MerchantDatabase } from './database.js';
import type { MerchantEvents } from './generated/manifest.js';

/** What the domain code needs from a handler's context. */
export type MerchantContext = Pick<
  HandlerContext<MerchantDatabase, MerchantEvents>,
  'db' | 'transaction' | 'clients' | 'clock' | 'log' | 'mailer' | 'publicUrl'
>;

/** Runs a function in one transaction of the merchant schema. */
export type Transact = MerchantContext['transaction'];

/** Kysely over the merchant schema. */
export type Db = Kysely<MerchantDatabase>;

/** Emails compare case-insensitively and without surrounding space. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

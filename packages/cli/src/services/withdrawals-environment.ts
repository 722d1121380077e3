import type { EnvVar } from './environment.js';

/**
 * The variables of `tokobapak withdrawals` (the admins' withdrawal desk) beyond the connection ones
 * and those it shares with `payouts` (`TOKOBAPAK_WITHDRAWAL_STATUS`) and `payments`
 * (`TOKOBAPAK_LIMIT`), each mirroring a flag; `docs/cli.md` lists them.
 */
export const withdrawalVariables = {
  store: {
    flag: '--store <storeId>',
    name: 'TOKOBAPAK_WITHDRAWAL_STORE',
    description: "list only this store's withdrawals, by its sto_… id",
    example: 'sto_01jd2v7k3m9x4q8w5e6r7t8y9z',
  },
  limit: {
    flag: '--limit <n>',
    name: 'TOKOBAPAK_LIMIT',
    description: 'list at most this many withdrawals, newest first (default 20)',
    example: '50',
  },
  reference: {
    flag: '--reference <text>',
    name: 'TOKOBAPAK_PAYOUT_REFERENCE',
    description: "the bank transfer's reference, kept on the withdrawal (up to 200 characters)",
    example: 'BCA-TRF-20261201-0042',
  },
  reason: {
    flag: '--reason <text>',
    name: 'TOKOBAPAK_REASON',
    description: 'why the withdrawal is rejected, for the store (up to 1000 characters)',
    example: 'Nama rekening tidak cocok',
  },
} as const satisfies Record<string, EnvVar & { flag: string }>;

import type { EnvVar } from './environment.js';

/**
 * The variables of `tokobapak payouts` beyond the connection ones (`TOKOBAPAK_URL`), each
 * mirroring a flag; `docs/cli.md` lists them.
 */
export const payoutVariables = {
  currency: {
    flag: '--currency <code>',
    name: 'TOKOBAPAK_CURRENCY',
    description: 'the ISO 4217 currency of the balance, the ledger or the withdrawal (default IDR)',
    example: 'IDR',
  },
  amount: {
    flag: '--amount <minor units>',
    name: 'TOKOBAPAK_PAYOUT_AMOUNT',
    description: 'how much to withdraw, in whole minor units (IDR has none: 150000 is Rp150.000)',
    example: '150000',
  },
  bank: {
    flag: '--bank <code>',
    name: 'TOKOBAPAK_BANK_CODE',
    description: 'the bank to pay to, as a lower-case code (bca, bni, bri, mandiri, ...)',
    example: 'bca',
  },
  accountNumber: {
    flag: '--account-number <digits>',
    name: 'TOKOBAPAK_BANK_ACCOUNT_NUMBER',
    description: 'the bank account number, digits only',
    example: '1234567890',
  },
  accountName: {
    flag: '--account-name <name>',
    name: 'TOKOBAPAK_BANK_ACCOUNT_NAME',
    description: 'the name on the bank account',
    example: 'Rina Wulandari',
  },
  payoutNote: {
    flag: '--note <text>',
    name: 'TOKOBAPAK_NOTE',
    description: "a note for the platform's finance team",
    example: 'Penarikan bulan Desember',
  },
  payoutStatus: {
    flag: '--status <status>',
    name: 'TOKOBAPAK_WITHDRAWAL_STATUS',
    description: 'list only withdrawals with this status (requested, approved, paid, rejected)',
    example: 'requested',
  },
  ledgerLimit: {
    flag: '--limit <n>',
    name: 'TOKOBAPAK_LIMIT',
    description: 'how many ledger entries to list, newest first (default 20)',
    example: '50',
  },
} as const satisfies Record<string, EnvVar & { flag: string }>;

import type { EnvVar } from './environment.js';

/**
 * The variables of `tokobapak payments list` and `acknowledge` beyond the connection ones, each mirroring a flag;
 * `docs/cli.md` lists them.
 */
export const paymentVariables = {
  paymentStatus: {
    flag: '--status <status>',
    name: 'TOKOBAPAK_PAYMENT_STATUS',
    description: 'list only payments with this status (pending, paid, expired, cancelled, failed, refunded, partially_refunded)',
    example: 'paid',
  },
  refundFailed: {
    flag: '--refund-failed',
    name: 'TOKOBAPAK_REFUND_FAILED',
    description: 'list only payments owing a refund the gateway refused and nobody made good since (they need a person)',
    example: '1',
  },
  note: {
    flag: '--note <text>',
    name: 'TOKOBAPAK_NOTE',
    description: "how the money of the refused refunds went back (kept in the payment's history; up to 400 characters)",
    example: 'sent back by bank transfer, BCA ref 8812',
  },
  limit: {
    flag: '--limit <n>',
    name: 'TOKOBAPAK_LIMIT',
    description: 'list at most this many payments, newest first (default 20)',
    example: '50',
  },
} as const satisfies Record<string, EnvVar & { flag: string }>;

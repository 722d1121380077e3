import type { EnvVar } from './environment.js';

/**
 * The variables of `tokobapak orders` beyond the connection ones (`TOKOBAPAK_URL`,
 * `TOKOBAPAK_API_KEY`), each mirroring a flag; `docs/cli.md` lists them.
 */
export const orderVariables = {
  orderStatus: {
    flag: '--status <status>',
    name: 'TOKOBAPAK_ORDER_STATUS',
    description: 'list only orders with this status (pending_payment, paid, accepted, shipped, completed, cancelled)',
    example: 'paid',
  },
  note: {
    flag: '--note <text>',
    name: 'TOKOBAPAK_NOTE',
    description: "a note kept in the order's status history, shown to the customer",
    example: 'Dikemas hari ini',
  },
} as const satisfies Record<string, EnvVar & { flag: string }>;

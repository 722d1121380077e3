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
  carrier: {
    flag: '--carrier <name>',
    name: 'TOKOBAPAK_CARRIER',
    description: 'who carries the parcel, for an order without a shipping quote',
    example: 'JNE',
  },
  trackingNumber: {
    flag: '--tracking-number <number>',
    name: 'TOKOBAPAK_TRACKING_NUMBER',
    description: "the parcel's tracking number, for an order without a shipping quote",
    example: 'JNE0123456789',
  },
  lines: {
    flag: '--line <lineId:quantity...>',
    name: 'TOKOBAPAK_ORDER_LINES',
    description: 'units of a line to cancel, as lineId:quantity (repeat the flag; the variable takes them comma-separated); none: everything left',
    example: 'oln_01jd2x7k9q3m4n5p6r7s8t9v0w:1',
  },
  reason: {
    flag: '--reason <text>',
    name: 'TOKOBAPAK_REASON',
    description: 'why the order is cancelled or refunded, shown to the customer and sent with the refund (required by refund)',
    example: 'Stok habis',
  },
  refundLines: {
    flag: '--line <lineId:amount...>',
    name: 'TOKOBAPAK_REFUND_LINES',
    description:
      "money to give back on a line without cancelling a unit, as lineId:amount in the order currency's minor units (repeat the flag; the variable takes them comma-separated)",
    example: 'oln_01jd2x7k9q3m4n5p6r7s8t9v0w:5000',
  },
  refundShipping: {
    flag: '--shipping <amount>',
    name: 'TOKOBAPAK_REFUND_SHIPPING',
    description: "how much of the order's shipping to give back, in the order currency's minor units",
    example: '5000',
  },
} as const satisfies Record<string, EnvVar & { flag: string }>;

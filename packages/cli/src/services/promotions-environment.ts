import type { EnvVar } from './environment.js';

/**
 * The variables of `tokobapak promotions` beyond the connection ones (`TOKOBAPAK_URL`,
 * `TOKOBAPAK_API_KEY`), each mirroring a flag; `docs/cli.md` lists them. `--status`, `--starts-at`,
 * `--ends-at` and `--priority` share their variables with `tokobapak banners`.
 */
export const promotionVariables = {
  platform: {
    flag: '--platform',
    name: 'TOKOBAPAK_PLATFORM',
    description: "the marketplace's promotions (admins), instead of your store's",
    example: '1',
  },
  status: { flag: '--status <status>', name: 'TOKOBAPAK_STATUS', description: 'list only active or only paused promotions', example: 'active' },
  name: { flag: '--name <text>', name: 'TOKOBAPAK_NAME', description: 'what shoppers see beside the discount (create: required)', example: 'Hemat 10%' },
  type: {
    flag: '--type <type>',
    name: 'TOKOBAPAK_TYPE',
    description: 'percentage, fixed_amount, free_shipping or buy_x_get_y (create: required)',
    example: 'percentage',
  },
  code: { flag: '--code <code>', name: 'TOKOBAPAK_CODE', description: 'the coupon code; leave out for an automatic promotion', example: 'HEMAT10' },
  percentage: { flag: '--percentage <number>', name: 'TOKOBAPAK_PERCENTAGE', description: 'percentage: 1-100', example: '10' },
  amount: { flag: '--amount <amount>', name: 'TOKOBAPAK_AMOUNT', description: 'fixed_amount: whole minor units (rupiah)', example: '15000' },
  buy: { flag: '--buy <units>', name: 'TOKOBAPAK_BUY', description: 'buy_x_get_y: the units paid for in each group', example: '2' },
  get: { flag: '--get <units>', name: 'TOKOBAPAK_GET', description: 'buy_x_get_y: the units free in each group (the cheapest)', example: '1' },
  currency: { flag: '--currency <code>', name: 'TOKOBAPAK_CURRENCY', description: 'the currency of the carts it applies to (default IDR)', example: 'IDR' },
  minSubtotal: {
    flag: '--min-subtotal <amount>',
    name: 'TOKOBAPAK_MIN_SUBTOTAL',
    description: 'the eligible lines must add up to at least this',
    example: '100000',
  },
  productIds: {
    flag: '--product-ids <ids>',
    name: 'TOKOBAPAK_PRODUCT_IDS',
    description: 'comma-separated prod_… ids it is limited to',
    example: 'prod_01jd…,prod_01je…',
  },
  categories: { flag: '--categories <names>', name: 'TOKOBAPAK_CATEGORIES', description: 'comma-separated categories it is limited to', example: 'kopi,teh' },
  firstOrder: { flag: '--first-order', name: 'TOKOBAPAK_FIRST_ORDER', description: "only a customer's first order", example: '1' },
  usageLimit: { flag: '--usage-limit <number>', name: 'TOKOBAPAK_USAGE_LIMIT', description: 'uses allowed in total', example: '100' },
  perCustomerLimit: {
    flag: '--per-customer-limit <number>',
    name: 'TOKOBAPAK_PER_CUSTOMER_LIMIT',
    description: 'uses allowed per customer',
    example: '1',
  },
  exclusive: { flag: '--exclusive', name: 'TOKOBAPAK_EXCLUSIVE', description: 'applies only alone (default: combinable)', example: '1' },
  priority: { flag: '--priority <number>', name: 'TOKOBAPAK_PRIORITY', description: '0-1000, higher is evaluated first (default 0)', example: '10' },
  startsAt: { flag: '--starts-at <time>', name: 'TOKOBAPAK_STARTS_AT', description: 'when it starts, ISO 8601 (default now)', example: '2026-12-01T00:00:00Z' },
  endsAt: { flag: '--ends-at <time>', name: 'TOKOBAPAK_ENDS_AT', description: 'when it ends, ISO 8601 (default never)', example: '2026-12-31T23:59:59Z' },
} as const satisfies Record<string, EnvVar & { flag: string }>;

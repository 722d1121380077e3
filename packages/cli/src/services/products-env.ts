import type { EnvVar } from './environment.js';

/**
 * The flags of `tokobapak products`, each mirrored by a `TOKOBAPAK_*` variable (listed in
 * `docs/cli.md`). Kept beside the products services rather than in the shared table, since no
 * other command reads them.
 */
export const productVariables = {
  url: {
    flag: '--url <url>',
    name: 'TOKOBAPAK_URL',
    description: 'base URL of the running store (default: http://127.0.0.1:4000)',
    example: 'http://127.0.0.1:4000',
  },
  apiKey: {
    flag: '--api-key <key>',
    name: 'TOKOBAPAK_API_KEY',
    description: 'a store-scoped API key with products:write (import) or products:read (export); prefer the variable, which stays out of shell history',
    example: 'tbk_…',
  },
  validOnly: {
    flag: '--valid-only',
    name: 'TOKOBAPAK_VALID_ONLY',
    description: 'import the valid products and report the others (default: import nothing when any row is bad)',
    example: 'false',
  },
  batchSize: {
    flag: '--batch-size <n>',
    name: 'TOKOBAPAK_BATCH_SIZE',
    description: 'products per request, 1 to 1000 (default: 500)',
    example: '500',
  },
  format: {
    flag: '--format <format>',
    name: 'TOKOBAPAK_FORMAT',
    description: 'export format: csv or json (default: csv, or what --output ends with)',
    example: 'csv',
  },
  output: {
    flag: '--output <file>',
    name: 'TOKOBAPAK_OUTPUT',
    description: 'write the export to this file (default: standard output)',
    example: 'products.csv',
  },
} as const satisfies Record<string, EnvVar & { flag: string }>;

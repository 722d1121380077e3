import { CliError } from './errors.js';

/**
 * `--idempotency-key` of the commands that move money or stock (`orders cancel`, `orders refund`,
 * `payouts request`). The SDK makes a random key per call, which keeps its own retries safe but not a
 * person's: a command run again after a timeout would be a second cancellation or withdrawal.
 * With the same key the server answers the first run's stored result instead.
 */
export const idempotencyVariable = {
  flag: '--idempotency-key <key>',
  name: 'TOKOBAPAK_IDEMPOTENCY_KEY',
  description: 'run the command again with the same key and it is done once: the store answers the first run (a UUID is a good key)',
  example: '3f0c9a52-5d7e-4c1e-9a47-1b2f6d8e0c11',
} as const;

/** Checks a key the way the API's `Idempotency-Key` header takes it: 1 to 255 visible ASCII characters. */
export function idempotencyKeyOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (/^[\x21-\x7e]{1,255}$/.test(value)) return value;
  throw new CliError(
    'CLI_INVALID_VALUE',
    `--idempotency-key / ${idempotencyVariable.name} must be 1 to 255 visible ASCII characters (no spaces), got "${value}"`,
  );
}

/** A result and whether the server replayed it for a key it had already seen. */
export interface Replayable<T> {
  result: T;
  replayed: boolean;
}

/**
 * A `fetch` for the SDK that notes the server's `idempotent-replayed: true`: the SDK hands over
 * only the body, and a replay is worth telling the person (nothing was done again).
 */
export function replayWatch(fetchImpl: typeof fetch = globalThis.fetch): { fetch: typeof fetch; replayed: () => boolean } {
  let replayed = false;
  const watching: typeof fetch = async (input, init) => {
    const response = await fetchImpl(input, init);
    if (response.headers.get('idempotent-replayed') === 'true') replayed = true;
    return response;
  };
  return { fetch: watching, replayed: () => replayed };
}

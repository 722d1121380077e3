import type { TokoBapakClient } from '@tokobapak/sdk';
import { CliError } from './errors.js';
import { type Connection, callApi, storeClient } from './store-connection.js';

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
 * Makes one call of a command that moves money or stock in the store, sending `idempotencyKey` if
 * the person gave one, and says whether the server replayed the answer (`idempotent-replayed:
 * true`: nothing was done again). The SDK hands over only the body, so a `fetch` of its own notes
 * the header; `call` gets the client and the key to spread into its request.
 */
export async function sendKeyed<T>(
  connection: Connection,
  idempotencyKey: string | undefined,
  call: (client: TokoBapakClient, key: { idempotencyKey?: string }) => Promise<T>,
): Promise<Replayable<T>> {
  let replayed = false;
  const watching: typeof fetch = async (input, init) => {
    const response = await globalThis.fetch(input, init);
    if (response.headers.get('idempotent-replayed') === 'true') replayed = true;
    return response;
  };
  const client = await storeClient(connection, watching);
  const key = idempotencyKey === undefined ? {} : { idempotencyKey };
  const result = await callApi(connection, () => call(client, key));
  return { result, replayed };
}

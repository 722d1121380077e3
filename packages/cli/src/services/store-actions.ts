import type { MerchantComponents } from '@tokobapak/sdk';
import { CliError } from './errors.js';
import { type Connection, callApi, signIn, storeClient } from './store-connection.js';

/** A store as the merchant service describes it. */
export type Store = MerchantComponents['schemas']['Store'];
/** An invitation as the merchant service describes it. */
export type Invitation = MerchantComponents['schemas']['Invitation'];

/** `tokobapak store create`: opens a store owned by the signed-in person. */
export async function createStore(connection: Connection, input: { name: string; handle: string }, fetchImpl?: typeof fetch): Promise<Store> {
  const client = await signIn(connection, fetchImpl);
  return callApi(connection, () => client.merchant.createStore({ body: input }));
}

/** `tokobapak store show`: the store the credentials act in. */
export async function showStore(connection: Connection, fetchImpl?: typeof fetch): Promise<Store> {
  const client = await storeClient(connection, fetchImpl);
  return callApi(connection, () => client.merchant.getCurrentStore());
}

/** `tokobapak store invite`: mails an invitation to work in the store (owners only). */
export async function inviteToStore(connection: Connection, input: { email: string; role: string }, fetchImpl?: typeof fetch): Promise<Invitation> {
  if (input.role !== 'staff' && input.role !== 'manager') throw new CliError('CLI_INVALID_VALUE', `--role must be staff or manager, got "${input.role}"`);
  const role = input.role;
  const client = await storeClient(connection, fetchImpl);
  return callApi(connection, () => client.merchant.inviteStaff({ body: { email: input.email, role } }));
}

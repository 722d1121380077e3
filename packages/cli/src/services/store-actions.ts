import type { MerchantComponents, TokoBapakClient } from '@tokobapak/sdk';
import { CliError } from './errors.js';
import { actAs, type Connection, callApi, signIn, storeClient } from './store-connection.js';

/** A store as the merchant service describes it. */
export type Store = MerchantComponents['schemas']['Store'];
/** An invitation as the merchant service describes it. */
export type Invitation = MerchantComponents['schemas']['Invitation'];
/** A store's change of owner as the merchant service describes it. */
export type OwnershipTransfer = MerchantComponents['schemas']['OwnershipTransfer'];

/**
 * `tokobapak store create`: opens a store owned by the signed-in person and acts in it from then
 * on (a stored session switches to the new store), so the next command can add products.
 */
export async function createStore(connection: Connection, input: { name: string; handle: string }, fetchImpl?: typeof fetch): Promise<Store> {
  const client = await signIn(connection, fetchImpl);
  const store = await callApi(connection, () => client.merchant.createStore({ body: input }));
  await actAs(connection, client, store);
  return store;
}

/** `tokobapak store use`: the stored session acts in another of the person's stores. */
export async function enterStore(connection: Connection, fetchImpl?: typeof fetch): Promise<Store> {
  if (connection.credentials.kind !== 'session') {
    throw new CliError('CLI_CREDENTIALS_MISSING', 'Sign in with `tokobapak login` first: `store use` changes the store your session acts in');
  }
  const client = await storeClient(connection, fetchImpl);
  return callApi(connection, () => client.merchant.getCurrentStore());
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

const USER_ID = /^usr_[0-9a-z]{26}$/;

/**
 * `tokobapak store transfer`: the signed-in owner hands the store to another member, named by user
 * id or by the email the store's staff list shows. Only a person can do it, never an API key.
 */
export async function transferStore(connection: Connection, input: { to: string }, fetchImpl?: typeof fetch): Promise<OwnershipTransfer> {
  if (connection.credentials.kind === 'apiKey') {
    throw new CliError(
      'CLI_CREDENTIALS_MISSING',
      'Only the owner, signed in with --email and --password (or TOKOBAPAK_EMAIL and TOKOBAPAK_PASSWORD), can hand a store on; an API key cannot',
    );
  }
  const to = input.to.trim();
  if (!USER_ID.test(to) && !to.includes('@')) {
    throw new CliError('CLI_INVALID_VALUE', `--to (TOKOBAPAK_TO) must be a user id (usr_…) or a member's email, got "${input.to}"`);
  }
  const client = await storeClient(connection, fetchImpl);
  const newOwnerUserId = USER_ID.test(to) ? to : await memberByEmail(connection, client, to);
  return callApi(connection, () => client.merchant.transferStoreOwnership({ body: { newOwnerUserId } }));
}

async function memberByEmail(connection: Connection, client: TokoBapakClient, email: string): Promise<string> {
  const wanted = email.toLowerCase();
  let found: string | undefined;
  await callApi(connection, async () => {
    for await (const member of client.merchant.listStaff.iterate({ query: { limit: 100 } })) {
      if (member.email === wanted) {
        found = member.userId;
        break;
      }
    }
  });
  if (found === undefined) throw new CliError('CLI_INVALID_VALUE', `No member of the store has the email ${email}; invite them first, or pass their user id`);
  return found;
}

import { authPlugin } from '@tokobapak/plugin-auth';
import { userPlugin } from '@tokobapak/plugin-user';
import type { MerchantComponents, TokoBapakClient } from '@tokobapak/sdk';
import { createTestServer, type SignedUpUser, signUp, storeSession, TEST_PASSWORD, type TestServer, uniqueEmail } from '@tokobapak/server/testing';
import { merchantPlugin } from '../src/index.js';

export const ADMIN_EMAIL = 'admin@example.com';
/** The password `signUp` registers with. */
export const PASSWORD = TEST_PASSWORD;

/** A server running auth (cheap hashing, one admin email), user and merchant on a fresh database. */
export function startServer(): Promise<TestServer> {
  return createTestServer({
    plugins: [authPlugin({ adminEmails: [ADMIN_EMAIL], passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }), userPlugin(), merchantPlugin()],
  });
}

let counter = 0;

/** A unique, valid store handle. */
export function uniqueHandle(prefix = 'toko'): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

/** A registered user and a client signed in as them (no store session). */
export type Person = Pick<SignedUpUser, 'client' | 'user' | 'email'>;

export { signUp, uniqueEmail };

/** A client signed in as the platform admin (registered on first use). */
export async function adminClient(server: TestServer): Promise<TokoBapakClient> {
  const client = server.client();
  try {
    await client.user.register({ body: { email: ADMIN_EMAIL, password: PASSWORD, name: 'Admin Toko' } });
  } catch (error) {
    if ((error as { code?: string }).code !== 'USER_EMAIL_TAKEN') throw error;
  }
  await client.auth.login({ body: { email: ADMIN_EMAIL, password: PASSWORD } });
  return client;
}

/** A new user who opens a store; returns them, the store and an owner session. */
export async function openStore(
  server: TestServer,
  input: Partial<MerchantComponents['schemas']['CreateStoreInput']> = {},
): Promise<Person & { store: MerchantComponents['schemas']['Store']; owner: TokoBapakClient }> {
  const person = await signUp(server);
  const store = await person.client.merchant.createStore({ body: { name: 'Toko Budi', handle: uniqueHandle(), ...input } });
  return { ...person, store, owner: storeSession(server, store.id, 'owner', person.user.id) };
}

/** The invitation token in the newest invitation mail to `email`. */
export function invitationToken(server: TestServer, email: string): string {
  const mail = memoryMailer(server).lastTo(email);
  const token = mail?.text.match(/invitation token: (\S+)/)?.[1];
  if (!token) throw new Error(`no invitation mail to ${email}`);
  return token;
}

/** The test server's in-memory mailer. */
export function memoryMailer(server: TestServer): { lastTo(address: string): { subject: string; text: string } | undefined; messages: Array<{ to: string }> } {
  return server.mailer as unknown as ReturnType<typeof memoryMailer>;
}

/** The owner invites `person` as `role` and they accept with the mailed token. */
export async function joinStore(server: TestServer, owner: TokoBapakClient, person: Person, role: 'manager' | 'staff'): Promise<void> {
  await owner.merchant.inviteStaff({ body: { email: person.email, role } });
  await person.client.merchant.acceptInvitation({ body: { token: invitationToken(server, person.email) } });
}

/** Invites a new user to `storeId` as `role`, has them accept, and returns them with a store session. */
export async function hire(
  server: TestServer,
  owner: TokoBapakClient,
  storeId: string,
  role: 'manager' | 'staff',
): Promise<Person & { session: TokoBapakClient }> {
  const person = await signUp(server);
  await joinStore(server, owner, person, role);
  return { ...person, session: storeSession(server, storeId, role, person.user.id) };
}

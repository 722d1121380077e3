import type { TokoBapakClient, UserComponents } from '@tokobapak/sdk';
import type { TokoBapakServer } from '../create-server.js';

/** Long, varied and free of any test email or name, so auth's password policy accepts it. */
export const TEST_PASSWORD = 'kopi-susu-gula-aren-77';

let counter = 0;

/**
 * An email address no other call in this test process returns.
 *
 * @example
 * const email = uniqueEmail('pedagang'); // pedagang.m3x9k2.1@example.com
 */
export function uniqueEmail(prefix = 'pembeli'): string {
  counter += 1;
  return `${prefix}.${Date.now().toString(36)}.${counter}@example.com`;
}

/** A registered user and a client signed in as them. */
export interface SignedUpUser {
  client: TokoBapakClient;
  user: UserComponents['schemas']['User'];
  email: string;
  password: string;
  accessToken: string;
}

/**
 * Registers a user through the user service and signs in through auth (both must be loaded);
 * returns a client holding the session.
 *
 * @example
 * const { client, user } = await signUp(server, { name: 'Sari Wulandari' });
 */
export async function signUp(server: Pick<TokoBapakServer, 'client'>, input: { email?: string; name?: string; password?: string } = {}): Promise<SignedUpUser> {
  const email = input.email ?? uniqueEmail();
  const password = input.password ?? TEST_PASSWORD;
  const client = server.client();
  const user = await client.user.register({ body: { email, password, name: input.name ?? 'Ani Wijaya' } });
  const { accessToken } = await client.auth.login({ body: { email, password } });
  return { client, user, email, password, accessToken };
}

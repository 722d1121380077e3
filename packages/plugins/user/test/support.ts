import { authPlugin } from '@tokobapak/plugin-auth';
import type { TokoBapakClient, UserComponents } from '@tokobapak/sdk';
import { createTestServer, type TestServer } from '@tokobapak/server/testing';
import { type UserPluginOptions, userPlugin } from '../src/index.js';

export const ADMIN_EMAIL = 'admin@example.com';
/** Long, varied and free of any test email or name, so auth's password policy accepts it. */
export const PASSWORD = 'kopi-susu-gula-aren-77';

/** A server running auth (cheap hashing, one admin email) and the user service on a fresh database. */
export function startServer(user: UserPluginOptions = {}): Promise<TestServer> {
  return createTestServer({
    plugins: [authPlugin({ adminEmails: [ADMIN_EMAIL], passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }), userPlugin(user)],
  });
}

let counter = 0;

/** A unique email for this test file run. */
export function uniqueEmail(prefix = 'pembeli'): string {
  counter += 1;
  return `${prefix}.${Date.now().toString(36)}.${counter}@example.com`;
}

/** Registers a user and returns a client signed in as them. */
export async function signUp(
  server: TestServer,
  input: { email?: string; name?: string; password?: string } = {},
): Promise<{ client: TokoBapakClient; user: UserComponents['schemas']['User']; email: string; password: string; accessToken: string }> {
  const email = input.email ?? uniqueEmail();
  const password = input.password ?? PASSWORD;
  const client = server.client();
  const user = await client.user.register({ body: { email, password, name: input.name ?? 'Ani Wijaya' } });
  const { accessToken } = await client.auth.login({ body: { email, password } });
  return { client, user, email, password, accessToken };
}

import { authPlugin } from '@tokobapak/plugin-auth';
import { createTestServer, TEST_PASSWORD, type TestServer } from '@tokobapak/server/testing';
import { type UserPluginOptions, userPlugin } from '../src/index.js';

export const ADMIN_EMAIL = 'admin@example.com';
/** The password `signUp` registers with. */
export const PASSWORD = TEST_PASSWORD;

/** A server running auth (cheap hashing, one admin email) and the user service on a fresh database. */
export function startServer(user: UserPluginOptions = {}): Promise<TestServer> {
  return createTestServer({
    plugins: [authPlugin({ adminEmails: [ADMIN_EMAIL], passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }), userPlugin(user)],
  });
}

/** Registers a user and returns a client signed in as them (the shared helper, re-exported for these tests). */
export { signUp, uniqueEmail } from '@tokobapak/server/testing';

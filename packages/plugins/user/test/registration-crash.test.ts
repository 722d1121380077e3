import { fileURLToPath } from 'node:url';
import { createClient } from '@tokobapak/sdk';
import { eventually, expectProblem } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { crashStores } from '../../../../test/integration/support/crash-stores.js';
import { PASSWORD } from './support.js';

// A registration cut short by a real crash: the store runs as a child process that SIGKILLs itself at
// a named point of the registration process, then starts again on the same data. Before durable
// processes, a crash after auth stored the credential left an account that could sign in while
// `/user/me` answered 401 and registering again answered 409.

const FIXTURE = fileURLToPath(new URL('./fixtures/registration-server.ts', import.meta.url));

const stores = crashStores(FIXTURE);
const startStore = (killAt?: string) => stores.start(killAt);

beforeAll(() => stores.open());
afterAll(() => stores.close());

const email = (label: string) => `${label}.${Date.now().toString(36)}@example.com`;

/** Registers `address` on a store that kills itself at `killAt`; resolves once it is dead. */
async function registerUntilKilled(killAt: string, address: string, name: string): Promise<void> {
  const crashing = await startStore(killAt);
  await expect(createClient({ baseUrl: crashing.url }).user.register({ body: { email: address, password: PASSWORD, name } })).rejects.toThrow();
  expect(await crashing.exited).toBe('SIGKILL');
}

// Two store starts per test; on a loaded 2-core machine each can take 20 s or more.
describe('a registration cut short by a crash', { timeout: 180_000 }, () => {
  test('after auth stored the credential but before the step was recorded: undone on restart, and the email is free again', async () => {
    const address = email('terputus');
    await registerUntilKilled('user.registration.create-credential:after', address, 'Rini');

    const store = await startStore();
    try {
      const client = createClient({ baseUrl: store.url });
      // Recovery runs in the background after start: the half-made credential goes away.
      await eventually(() => expectProblem(client.auth.login({ body: { email: address, password: PASSWORD } }), 401, 'AUTH_INVALID_CREDENTIALS'));
      const user = await client.user.register({ body: { email: address, password: PASSWORD, name: 'Rini' } });
      await client.auth.login({ body: { email: address, password: PASSWORD } });
      expect(await client.user.getProfile()).toMatchObject({ id: user.id, email: address, status: 'active' });
    } finally {
      await store.stop();
    }
  });

  test('after the credential step was recorded: resumed on restart into a whole account', async () => {
    const address = email('lanjut');
    await registerUntilKilled('user.registration.activate:before', address, 'Sari');

    const store = await startStore();
    try {
      const client = createClient({ baseUrl: store.url });
      const profile = await eventually(async () => {
        await client.auth.login({ body: { email: address, password: PASSWORD } });
        return client.user.getProfile();
      });
      expect(profile).toMatchObject({ email: address, name: 'Sari', status: 'active' });
      await expectProblem(
        createClient({ baseUrl: store.url }).user.register({ body: { email: address, password: PASSWORD, name: 'Sari' } }),
        409,
        'USER_EMAIL_TAKEN',
      );
    } finally {
      await store.stop();
    }
  });
});

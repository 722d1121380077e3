import { authPlugin } from '@tokobapak/plugin-auth';
import { userPlugin } from '@tokobapak/plugin-user';
import { createTestServer, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
// The CLI does not load the merchant service itself yet; the test serves it beside auth and user.
import { merchantPlugin } from '../../plugins/merchant/src/index.js';
import { run } from './helpers.js';

// `tokobapak store` against a real server listening on a port, through the SDK over HTTP.

const PASSWORD = 'kopi-susu-gula-aren-77';
let server: TestServer;
let url: string;
let counter = 0;

beforeAll(async () => {
  server = await createTestServer({
    plugins: [authPlugin({ passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }), userPlugin(), merchantPlugin()],
  });
  url = await server.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await server?.close();
});

async function person(): Promise<{ email: string; userId: string }> {
  counter += 1;
  const email = `penjual.${Date.now().toString(36)}.${counter}@example.com`;
  const user = await server.client().user.register({ body: { email, password: PASSWORD, name: 'Sari Penjual' } });
  return { email, userId: user.id };
}

const handle = () => `toko-cli-${Date.now().toString(36)}-${++counter}`;
const signedIn = (email: string) => ({ env: { TOKOBAPAK_URL: url, TOKOBAPAK_EMAIL: email, TOKOBAPAK_PASSWORD: PASSWORD } });

describe('tokobapak store', () => {
  test('create, show and invite with email and password', async () => {
    const owner = await person();
    const storeHandle = handle();
    const created = await run(['store', 'create', '--name', 'Toko Sari', '--handle', storeHandle, '--json'], signedIn(owner.email));
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const { store } = JSON.parse(created.stdout) as { store: { id: string; handle: string; status: string } };
    expect(store).toMatchObject({ handle: storeHandle, status: 'active' });

    const shown = await run(['store', 'show', '--json'], signedIn(owner.email));
    expect(shown.stderr).toBe('');
    expect(JSON.parse(shown.stdout)).toEqual({ store: expect.objectContaining({ id: store.id, name: 'Toko Sari' }) });

    const plain = await run(['store', 'show', '--store', storeHandle], signedIn(owner.email));
    expect(plain.stdout).toMatch(new RegExp(`^handle +${storeHandle}$`, 'm'));

    const invitee = await person();
    const invited = await run(['store', 'invite', invitee.email, '--role', 'manager', '--json'], signedIn(owner.email));
    expect(invited.stderr).toBe('');
    expect(JSON.parse(invited.stdout)).toEqual({
      invitation: expect.objectContaining({ email: invitee.email, role: 'manager', status: 'pending', storeId: store.id }),
    });
    const mail = (server.mailer as unknown as { lastTo(address: string): { text: string } | undefined }).lastTo(invitee.email);
    expect(mail?.text).toMatch(/invitation token: \S+/);
  });

  test('show with a store-scoped API key', async () => {
    const owner = await person();
    const client = server.client();
    await client.auth.login({ body: { email: owner.email, password: PASSWORD } });
    const store = await client.merchant.createStore({ body: { name: 'Toko Kunci', handle: handle() } });
    const { secret } = await client.auth.createApiKey({ body: { name: 'cli', scopes: ['store:read'], storeId: store.id } });
    const shown = await run(['store', 'show', '--json'], { env: { TOKOBAPAK_URL: url, TOKOBAPAK_API_KEY: secret } });
    expect(shown.stderr).toBe('');
    expect(JSON.parse(shown.stdout).store.id).toBe(store.id);
  });

  test('transfer hands the store to a member, by email or by user id', async () => {
    const owner = await person();
    const member = await person();
    const ownerClient = server.client();
    await ownerClient.auth.login({ body: { email: owner.email, password: PASSWORD } });
    const store = await ownerClient.merchant.createStore({ body: { name: 'Toko Estafet', handle: handle() } });
    await ownerClient.auth.selectStore({ body: { storeId: store.id } });
    await ownerClient.merchant.inviteStaff({ body: { email: member.email, role: 'staff' } });
    const token = (server.mailer as unknown as { lastTo(address: string): { text: string } | undefined })
      .lastTo(member.email)
      ?.text.match(/invitation token: (\S+)/)?.[1];
    const memberClient = server.client();
    await memberClient.auth.login({ body: { email: member.email, password: PASSWORD } });
    await memberClient.merchant.acceptInvitation({ body: { token: token as string } });

    const transferred = await run(['store', 'transfer', '--to', member.email.toUpperCase(), '--json'], signedIn(owner.email));
    expect(transferred.stderr).toBe('');
    expect(transferred.code).toBe(0);
    expect(JSON.parse(transferred.stdout)).toEqual({
      transfer: expect.objectContaining({
        storeId: store.id,
        newOwner: expect.objectContaining({ userId: member.userId, email: member.email, role: 'owner' }),
        previousOwner: expect.objectContaining({ userId: owner.userId, email: owner.email, role: 'manager' }),
      }),
    });

    // The former owner is a manager now: a new store session carries that role and the API refuses.
    const again = await run(['store', 'transfer', '--to', member.userId, '--json'], signedIn(owner.email));
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout).error).toMatchObject({ code: 'CLI_API_ERROR', message: expect.stringMatching(/^403 FORBIDDEN/) });

    // The new owner hands it back, naming the user id through TOKOBAPAK_TO, in plain output.
    const back = await run(['store', 'transfer', '--store', store.handle], { env: { ...signedIn(member.email).env, TOKOBAPAK_TO: owner.userId } });
    expect(back.stderr).toBe('');
    expect(back.code).toBe(0);
    expect(back.stdout).toContain(`Handed the store to ${owner.email}; you are now a manager there.`);
    expect(back.stdout).toMatch(/^new owner +\S+ \(usr_[0-9a-z]{26}\)$/m);

    const stranger = await person();
    const notMember = await run(['store', 'transfer', '--to', stranger.userId, '--json'], signedIn(owner.email));
    expect(JSON.parse(notMember.stdout).error).toMatchObject({ code: 'CLI_API_ERROR', message: expect.stringContaining('409 MERCHANT_NEW_OWNER_NOT_MEMBER') });
    const unknownEmail = await run(['store', 'transfer', '--to', stranger.email, '--json'], signedIn(owner.email));
    expect(JSON.parse(unknownEmail.stdout).error).toMatchObject({ code: 'CLI_INVALID_VALUE', message: expect.stringContaining(stranger.email) });
    const notAnId = await run(['store', 'transfer', '--to', 'budi', '--json'], signedIn(owner.email));
    expect(JSON.parse(notAnId.stdout).error.code).toBe('CLI_INVALID_VALUE');
    const missing = await run(['store', 'transfer', '--json'], signedIn(owner.email));
    expect(JSON.parse(missing.stdout).error).toMatchObject({ code: 'CLI_INVALID_VALUE', message: expect.stringContaining('--to') });
    const withKey = await run(['store', 'transfer', '--to', member.userId, '--json'], { env: { TOKOBAPAK_URL: url, TOKOBAPAK_API_KEY: 'tbk_x' } });
    expect(JSON.parse(withKey.stdout).error.code).toBe('CLI_CREDENTIALS_MISSING');
  });

  test('failures carry a CLI code', async () => {
    const owner = await person();
    const taken = handle();
    expect((await run(['store', 'create', '--name', 'A', '--handle', taken], signedIn(owner.email))).code).toBe(0);

    const conflict = await run(['store', 'create', '--name', 'B', '--handle', taken, '--json'], signedIn(owner.email));
    expect(conflict.code).toBe(1);
    expect(JSON.parse(conflict.stdout).error).toMatchObject({ code: 'CLI_API_ERROR', message: expect.stringContaining('MERCHANT_HANDLE_TAKEN') });

    const anonymous = await run(['store', 'show', '--url', url, '--json']);
    expect(JSON.parse(anonymous.stdout).error.code).toBe('CLI_CREDENTIALS_MISSING');

    const lonely = await person();
    const noStore = await run(['store', 'show', '--json'], signedIn(lonely.email));
    expect(JSON.parse(noStore.stdout).error.code).toBe('CLI_STORE_NOT_FOUND');

    const badRole = await run(['store', 'invite', 'x@example.com', '--role', 'owner', '--json'], signedIn(owner.email));
    expect(JSON.parse(badRole.stdout).error.code).toBe('CLI_INVALID_VALUE');

    const nobody = await run(['store', 'show', '--url', 'http://127.0.0.1:1', '--email', owner.email, '--password', PASSWORD, '--json']);
    expect(JSON.parse(nobody.stdout).error.code).toBe('CLI_SERVER_UNREACHABLE');

    const missing = await run(['store', 'create', '--handle', handle(), '--json'], signedIn(owner.email));
    expect(JSON.parse(missing.stdout).error).toMatchObject({ code: 'CLI_INVALID_VALUE', message: expect.stringContaining('--name') });
  });
});

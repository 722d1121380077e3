import type { TokoBapakClient, UserComponents } from '@tokobapak/sdk';
import type { TestServer } from '@tokobapak/server/testing';
import { expectProblem } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signUp, startServer } from './support.js';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

type AddressInput = UserComponents['schemas']['AddressInput'];

const address = (label: string, extra: Partial<AddressInput> = {}): AddressInput => ({
  label,
  recipientName: 'Ani Wijaya',
  phone: '+6281234567890',
  line1: 'Jl. Braga No. 10',
  city: 'Bandung',
  region: 'Jawa Barat',
  postalCode: '40111',
  countryCode: 'ID',
  ...extra,
});

async function all(client: TokoBapakClient, limit?: number) {
  const items: UserComponents['schemas']['Address'][] = [];
  for await (const item of client.user.listAddresses.iterate({ query: limit ? { limit } : {} })) items.push(item);
  return items;
}

describe('addresses', () => {
  test('create, read, update and delete', async () => {
    const { client } = await signUp(server);
    const created = await client.user.createAddress({ body: address('Rumah') });
    expect(created).toMatchObject({ ...address('Rumah'), line2: null, isDefault: true });
    expect(created.id).toMatch(/^adr_[0-9a-z]{26}$/);
    expect(await client.user.getAddress({ params: { addressId: created.id } })).toEqual(created);

    const updated = await client.user.updateAddress({ params: { addressId: created.id }, body: { line2: 'Dekat alun-alun', city: 'Kota Bandung' } });
    expect(updated).toMatchObject({ id: created.id, line2: 'Dekat alun-alun', city: 'Kota Bandung', label: 'Rumah', isDefault: true });
    expect((await client.user.updateAddress({ params: { addressId: created.id }, body: { line2: null } })).line2).toBeNull();

    await client.user.deleteAddress({ params: { addressId: created.id } });
    await expectProblem(client.user.getAddress({ params: { addressId: created.id } }), 404, 'USER_ADDRESS_NOT_FOUND');
    await expectProblem(client.user.deleteAddress({ params: { addressId: created.id } }), 404, 'USER_ADDRESS_NOT_FOUND');
    expect(await client.user.listAddresses()).toEqual({ items: [], nextCursor: null });
  });

  test('isDefault cannot be changed through update', async () => {
    const { client } = await signUp(server);
    const created = await client.user.createAddress({ body: address('Rumah') });
    await expectProblem(client.user.updateAddress({ params: { addressId: created.id }, body: { isDefault: false } as never }), 400, 'VALIDATION_FAILED');
  });

  test('the first address is the default whatever it says; later ones only when asked', async () => {
    const { client } = await signUp(server);
    const first = await client.user.createAddress({ body: address('Rumah', { isDefault: false }) });
    expect(first.isDefault).toBe(true);
    const second = await client.user.createAddress({ body: address('Kantor') });
    expect(second.isDefault).toBe(false);
    const third = await client.user.createAddress({ body: address('Kos', { isDefault: true }) });
    expect(third.isDefault).toBe(true);
    const listed = await all(client);
    expect(listed.map((item) => [item.label, item.isDefault])).toEqual([
      ['Kos', true],
      ['Kantor', false],
      ['Rumah', false],
    ]);
  });

  test('setDefaultAddress moves the default, and on the default changes nothing', async () => {
    const { client } = await signUp(server);
    const home = await client.user.createAddress({ body: address('Rumah') });
    const office = await client.user.createAddress({ body: address('Kantor') });
    const moved = await client.user.setDefaultAddress({ params: { addressId: office.id } });
    expect(moved).toMatchObject({ id: office.id, isDefault: true });
    expect((await client.user.getAddress({ params: { addressId: home.id } })).isDefault).toBe(false);
    const again = await client.user.setDefaultAddress({ params: { addressId: office.id } });
    expect(again).toEqual(moved);
    expect((await all(client)).filter((item) => item.isDefault).map((item) => item.id)).toEqual([office.id]);
  });

  test('deleting the default promotes the most recent other address', async () => {
    const { client } = await signUp(server);
    const home = await client.user.createAddress({ body: address('Rumah') });
    const older = await client.user.createAddress({ body: address('Kantor') });
    const newest = await client.user.createAddress({ body: address('Kos') });
    await client.user.deleteAddress({ params: { addressId: home.id } });
    const listed = await all(client);
    expect(listed.map((item) => [item.id, item.isDefault])).toEqual([
      [newest.id, true],
      [older.id, false],
    ]);
    // Deleting a non-default leaves the default alone.
    await client.user.deleteAddress({ params: { addressId: older.id } });
    expect((await client.user.getAddress({ params: { addressId: newest.id } })).isDefault).toBe(true);
  });

  test('concurrent changes never leave two defaults', async () => {
    const { client, user } = await signUp(server);
    const created = await Promise.all(
      Array.from({ length: 8 }, (_, i) => client.user.createAddress({ body: address(`Alamat ${i}`, { isDefault: i % 2 === 0 }) })),
    );
    await Promise.all(created.map((item) => client.user.setDefaultAddress({ params: { addressId: item.id } })));
    const defaults = await sql<{ n: number }>`select count(*)::int as n from "user".addresses where user_id = ${user.id} and is_default`.execute(
      server.database.db,
    );
    expect(defaults.rows[0]?.n).toBe(1);
  });

  test('concurrent set-default on two addresses leaves exactly one default', async () => {
    const { client, user } = await signUp(server);
    const home = await client.user.createAddress({ body: address('Rumah') });
    const office = await client.user.createAddress({ body: address('Kantor') });
    for (let round = 0; round < 5; round++) {
      // Twenty calls at once, alternating between the two addresses.
      const moved = await Promise.all(
        Array.from({ length: 20 }, (_, i) => client.user.setDefaultAddress({ params: { addressId: i % 2 === 0 ? home.id : office.id } })),
      );
      expect(moved.every((item) => item.isDefault)).toBe(true);
      const defaults = await sql<{ id: string }>`select id from "user".addresses where user_id = ${user.id} and is_default`.execute(server.database.db);
      expect(defaults.rows).toHaveLength(1);
      expect([home.id, office.id]).toContain(defaults.rows[0]?.id);
    }
  });

  test('the database refuses a second default even if the code were wrong', async () => {
    const { client, user } = await signUp(server);
    const first = await client.user.createAddress({ body: address('Rumah') });
    await client.user.createAddress({ body: address('Kantor') });
    await expect(
      sql`update "user".addresses set is_default = true where user_id = ${user.id} and id <> ${first.id}`.execute(server.database.db),
    ).rejects.toMatchObject({
      code: '23505',
    });
  });

  test('pagination walks every address once, default first then newest first', async () => {
    const { client } = await signUp(server);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await client.user.createAddress({ body: address(`Alamat ${i}`) })).id);
    // Make one in the middle the default, so the order is not plain id order.
    await client.user.setDefaultAddress({ params: { addressId: ids[3] as string } });

    const firstPage = await client.user.listAddresses({ query: { limit: 3 } });
    expect(firstPage.items).toHaveLength(3);
    expect(firstPage.nextCursor).toEqual(expect.any(String));
    const walked = await all(client, 3);
    const expected = [ids[3], ...ids.filter((_, i) => i !== 3).reverse()];
    expect(walked.map((item) => item.id)).toEqual(expected);
    expect(walked.slice(0, 3).map((item) => item.id)).toEqual(firstPage.items.map((item) => item.id));

    const lastPage = await client.user.listAddresses({ query: { limit: 7 } });
    expect(lastPage.nextCursor).toBeNull();
  });

  test('a forged cursor is a 400, not a 500', async () => {
    const { client } = await signUp(server);
    await expectProblem(client.user.listAddresses({ query: { cursor: 'bm9wZQ' } }), 400, 'BAD_REQUEST');
    const forged = Buffer.from(JSON.stringify({ after: "x' or 1=1" })).toString('base64url');
    await expectProblem(client.user.listAddresses({ query: { cursor: forged } }), 400, 'BAD_REQUEST');
  });

  test("another user's address answers exactly like a missing one", async () => {
    const owner = await signUp(server);
    const stranger = await signUp(server);
    const mine = await owner.client.user.createAddress({ body: address('Rumah') });
    const missing = 'adr_01jd2x7k9q3m4n5p6r7s8t9v0w';
    for (const addressId of [mine.id, missing]) {
      await expectProblem(stranger.client.user.getAddress({ params: { addressId } }), 404, 'USER_ADDRESS_NOT_FOUND');
      await expectProblem(stranger.client.user.updateAddress({ params: { addressId }, body: { label: 'Curian' } }), 404, 'USER_ADDRESS_NOT_FOUND');
      await expectProblem(stranger.client.user.setDefaultAddress({ params: { addressId } }), 404, 'USER_ADDRESS_NOT_FOUND');
      await expectProblem(stranger.client.user.deleteAddress({ params: { addressId } }), 404, 'USER_ADDRESS_NOT_FOUND');
    }
    expect(await stranger.client.user.listAddresses()).toEqual({ items: [], nextCursor: null });
    expect(await owner.client.user.getAddress({ params: { addressId: mine.id } })).toEqual(mine);
  });

  test('invalid input and anonymous callers are refused', async () => {
    const { client } = await signUp(server);
    await expectProblem(client.user.createAddress({ body: address('Rumah', { countryCode: 'id' }) }), 400, 'VALIDATION_FAILED');
    await expectProblem(client.user.getAddress({ params: { addressId: 'not-an-id' } }), 400, 'VALIDATION_FAILED');
    await expectProblem(server.client().user.listAddresses(), 401, 'UNAUTHENTICATED');
    await expectProblem(server.client().user.createAddress({ body: address('Rumah') }), 401, 'UNAUTHENTICATED');
  });
});

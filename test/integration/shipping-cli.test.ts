import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authPlugin } from '@tokobapak/plugin-auth';
import { merchantPlugin } from '@tokobapak/plugin-merchant';
import { shippingPlugin } from '@tokobapak/plugin-shipping';
import { userPlugin } from '@tokobapak/plugin-user';
import { newId } from '@tokobapak/server';
import { createTestServer, serviceClient, type TestServer } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CLI_BIN, CLI_BUILT, runCli } from './support/cli-process.js';

// `tokobapak shipping` as a process (the built CLI) against a store listening on a port, signed in
// with `tokobapak login` (the stored session acting in the merchant's store).

const PASSWORD = 'kopi-tubruk-pagi-hari-99';
let server: TestServer;
let url: string;
let configDir: string;
let storeId: string;

function cli(args: string[], env: Record<string, string> = {}) {
  return runCli(args, { TOKOBAPAK_CONFIG_DIR: configDir, TOKOBAPAK_PASSWORD: PASSWORD, TOKOBAPAK_URL: url, ...env });
}

const json = async <T>(args: string[]): Promise<T> => {
  const result = await cli([...args, '--json']);
  expect(result.code, result.stderr || result.stdout).toBe(0);
  return JSON.parse(result.stdout) as T;
};

type Settings = {
  settings: { flatRate: { name: string; amount: number; zones?: unknown[] } | null; weightTable: { brackets: unknown[] } | null; quoteTtlSeconds: number };
};

beforeAll(async () => {
  if (!CLI_BUILT) return;
  server = await createTestServer({
    plugins: [authPlugin({ passwordCost: { memoryCost: 1024, timeCost: 1, parallelism: 1 } }), userPlugin(), merchantPlugin(), shippingPlugin()],
  });
  url = await server.listen({ port: 0, host: '127.0.0.1' });
  configDir = await mkdtemp(join(tmpdir(), 'tokobapak-shipping-cli-'));
  const owner = server.client();
  await owner.user.register({ body: { email: 'rina@toko.example', password: PASSWORD, name: 'Rina' } });
  await owner.auth.login({ body: { email: 'rina@toko.example', password: PASSWORD } });
  storeId = (await owner.merchant.createStore({ body: { name: 'Toko Rina', handle: 'toko-rina' } })).id;
});
afterAll(async () => {
  await server?.close();
  if (configDir) await rm(configDir, { recursive: true, force: true });
});

/** A shipment of `store` booked as the order service books one, with its flat-rate quote. */
async function shipmentOf(store: string) {
  const { options } = await server.client().shipping.quoteShippingRates({
    body: { storeId: store, destination: { postalCode: '12190', countryCode: 'ID' }, items: [{ weight: 250, quantity: 2 }], currency: 'IDR' },
  });
  const optionId = options.find((option) => option.provider === 'flat-rate')?.optionId as string;
  return serviceClient(server, 'order').shipping.createShipment({
    body: {
      reference: newId('ord'),
      storeId: store,
      optionId,
      customerId: newId('usr'),
      destination: { postalCode: '12190', countryCode: 'ID', recipientName: 'Siti', phone: '+6281234567890', line1: 'Jl. Sudirman 1' },
      items: [{ weight: 250, quantity: 2 }],
    },
  });
}

describe.skipIf(!CLI_BUILT)(`tokobapak shipping as a process (needs ${CLI_BIN}; run pnpm build)`, () => {
  test('settings: show the defaults, set flat rate and weight table by flags, turn one off, replace from a file; bad values refused', {
    timeout: 180_000,
  }, async () => {
    const login = await cli(['login', '--email', 'rina@toko.example', '--store', 'toko-rina', '--url', url, '--json']);
    expect(login.code, login.stderr).toBe(0);

    expect((await json<Settings>(['shipping', 'settings', 'show'])).settings).toMatchObject({ flatRate: null, weightTable: null });
    const set = await cli(['shipping', 'settings', 'set', '--flat-rate', '15000', '--flat-rate-name', 'Kirim rata', '--weight-table', '1000:10000,5000:22000']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('Flat rate: Kirim rata, IDR 15000');
    expect(set.stdout).toContain('Weight table: By weight, up to 1000 g IDR 10000; up to 5000 g IDR 22000');
    expect(set.stdout).toContain('Biteship: off');

    // The variable works like the flag; the rest is kept.
    const off = await cli(['shipping', 'settings', 'set', '--json'], { TOKOBAPAK_FLAT_RATE: 'off' });
    expect(JSON.parse(off.stdout).settings).toMatchObject({ flatRate: null, weightTable: { name: 'By weight' } });

    // What `show --json` prints, edited, goes back with --file (zones only come this way).
    const shown = await json<Settings>(['shipping', 'settings', 'show']);
    shown.settings.flatRate = {
      name: 'Kirim rata',
      amount: 15000,
      zones: [{ name: 'Papua', provinces: ['Papua'], postalCodePrefixes: ['99'], amount: 30000 }],
    };
    const file = join(configDir, 'shipping.json');
    await writeFile(file, JSON.stringify(shown));
    const fromFile = await json<Settings>(['shipping', 'settings', 'set', '--file', file, '--quote-ttl', '600']);
    expect(fromFile.settings).toMatchObject({
      flatRate: { amount: 15000, zones: [{ name: 'Papua', amount: 30000 }] },
      weightTable: { brackets: [{}, {}] },
      quoteTtlSeconds: 600,
    });
    expect(
      (
        await server.client().shipping.quoteShippingRates({
          body: { storeId, destination: { postalCode: '99111', countryCode: 'ID' }, items: [{ weight: 100, quantity: 1 }], currency: 'IDR' },
        })
      ).options.map((option) => option.amount.amount),
    ).toEqual([10000, 30000]);

    const malformed = await cli(['shipping', 'settings', 'set', '--weight-table', '1kg:10000']);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toMatch(/--weight-table \/ TOKOBAPAK_WEIGHT_TABLE takes upToGrams:amount pairs/);
    const descending = await cli(['shipping', 'settings', 'set', '--weight-table', '5000:22000,1000:10000', '--json']);
    expect(JSON.parse(descending.stdout).error).toMatchObject({ code: 'CLI_API_ERROR', message: expect.stringMatching(/^400 SHIPPING_INVALID_SETTINGS/) });
    const origin = JSON.stringify({ postalCode: '10110', contactName: 'Toko', contactPhone: '+6281111111111', address: 'Jl. Merdeka 1' });
    const noAccount = await cli(['shipping', 'settings', 'set', '--biteship', 'jne', '--biteship-origin', origin, '--json']);
    expect(JSON.parse(noAccount.stdout).error.message).toMatch(/^400 SHIPPING_INVALID_SETTINGS/);
    const needsOrigin = await cli(['shipping', 'settings', 'set', '--biteship', 'jne']);
    expect(needsOrigin.stderr).toMatch(/--biteship-origin \/ TOKOBAPAK_BITESHIP_ORIGIN is needed/);
    // Nothing of the refused calls was saved.
    expect((await json<Settings>(['shipping', 'settings', 'show'])).settings).toMatchObject({
      quoteTtlSeconds: 600,
      weightTable: { brackets: [{ upToGrams: 1000 }, { upToGrams: 5000 }] },
    });
  });

  test('shipments: list, show, track and move forward the store’s own; backwards, pending and another store’s refused', { timeout: 180_000 }, async () => {
    const login = await cli(['login', '--email', 'rina@toko.example', '--store', 'toko-rina', '--url', url, '--json']);
    expect(login.code, login.stderr).toBe(0);
    await cli(['shipping', 'settings', 'set', '--flat-rate', '15000']);
    const shipment = await shipmentOf(storeId);
    const elsewhere = newId('sto');
    await server
      .client({
        accessToken: server.tokens.signAccessToken({
          userId: newId('usr'),
          role: 'customer',
          sessionId: `ses_${'0'.repeat(26)}`,
          storeId: elsewhere,
          storeRole: 'owner',
        }),
      })
      .shipping.updateShippingSettings({ body: { currency: 'IDR', flatRate: { name: 'Lain', amount: 9000 }, weightTable: null, biteship: null } });
    const foreign = await shipmentOf(elsewhere);

    const listed = await json<{ shipments: Array<{ id: string }> }>(['shipping', 'shipments', 'list', '--status', 'pending']);
    expect(listed.shipments.map((entry) => entry.id)).toContain(shipment.id);
    expect(listed.shipments.map((entry) => entry.id)).not.toContain(foreign.id);
    const table = await cli(['shipping', 'shipments', 'list']);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID +STATUS +ORDER +SERVICE +TRACKING +UPDATED$/);
    expect(table.stdout).toMatch(new RegExp(`^${shipment.id} +pending +${shipment.reference} +${shipment.name} +TB`, 'm'));

    const moved = await cli([
      'shipping',
      'shipments',
      'update',
      shipment.id,
      '--status',
      'in_transit',
      '--tracking-number',
      'JNE0123456789',
      '--note',
      'Diserahkan ke kurir',
    ]);
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toContain(`Shipment ${shipment.id} (in_transit) of order ${shipment.reference}`);
    expect(moved.stdout).toContain('Tracking JNE0123456789');
    expect(moved.stdout).toMatch(/in_transit \(store\): Diserahkan ke kurir/);
    const tracked = await json<{ shipment: { status: string; history: unknown[] } }>(['shipping', 'shipments', 'track', shipment.id]);
    expect(tracked.shipment).toMatchObject({ status: 'in_transit' });
    expect(tracked.shipment.history).toHaveLength(2);

    const backwards = await cli(['shipping', 'shipments', 'update', shipment.id, '--status', 'picked_up', '--json']);
    expect(JSON.parse(backwards.stdout).error.message).toMatch(/^409 SHIPPING_STATUS_NOT_FORWARD/);
    const pending = await cli(['shipping', 'shipments', 'update', shipment.id, '--status', 'pending']);
    expect(pending.code).toBe(1);
    expect(pending.stderr).toMatch(/must be a later status than pending/);
    const lost = await cli(['shipping', 'shipments', 'list', '--status', 'lost']);
    expect(lost.stderr).toMatch(/--status \/ TOKOBAPAK_SHIPMENT_STATUS must be one of pending, picked_up/);
    for (const command of ['show', 'track']) {
      const other = await cli(['shipping', 'shipments', command, foreign.id, '--json']);
      expect(other.code).toBe(1);
      expect(JSON.parse(other.stdout).error).toMatchObject({ code: 'CLI_API_ERROR', message: expect.stringMatching(/^404 SHIPPING_SHIPMENT_NOT_FOUND/) });
    }
    const otherUpdate = await cli(['shipping', 'shipments', 'update', foreign.id, '--status', 'delivered', '--json']);
    expect(JSON.parse(otherUpdate.stdout).error.message).toMatch(/^404 SHIPPING_SHIPMENT_NOT_FOUND/);
    expect((await serviceClient(server, 'order').shipping.getShipment({ params: { shipmentId: foreign.id } })).status).toBe('pending');
  });
});

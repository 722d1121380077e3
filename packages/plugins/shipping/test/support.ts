import type { ShippingComponents, TokoBapakClient } from '@tokobapak/sdk';
import { newId } from '@tokobapak/server';
import { createTestServer, type ManualClock, manualClock, serviceClient, storeSession, type TestServer } from '@tokobapak/server/testing';
import { type ShippingPluginOptions, shippingPlugin } from '../src/index.js';

export type Schemas = ShippingComponents['schemas'];

const SESSION = `ses_${'0'.repeat(26)}`;

/** The shipping service alone on a fresh database, on a manual clock. */
export async function startServer(options: ShippingPluginOptions = {}): Promise<{ server: TestServer; clock: ManualClock }> {
  const clock = manualClock(new Date(Math.floor(Date.now() / 60_000) * 60_000));
  const server = await createTestServer({ plugins: [shippingPlugin(options)], clock });
  return { server, clock };
}

/** Callers with access tokens signed directly (no auth or merchant service needed). */
export function callers(server: TestServer) {
  return {
    guest: (): TokoBapakClient => server.client(),
    /** A signed-in customer outside any store. */
    customer: (userId: string = newId('usr')): TokoBapakClient =>
      server.client({ accessToken: server.tokens.signAccessToken({ userId, role: 'customer', sessionId: SESSION }), autoRefresh: false }),
    store: (storeId: string, role: 'owner' | 'manager' | 'staff' = 'manager'): TokoBapakClient => storeSession(server, storeId, role),
    order: (): TokoBapakClient => serviceClient(server, 'order'),
  };
}

/** A destination in Jakarta with everything a courier needs. */
export function jakarta(overrides: Partial<Schemas['Destination']> = {}): Schemas['Destination'] {
  return {
    postalCode: '12190',
    countryCode: 'ID',
    region: 'DKI Jakarta',
    city: 'Jakarta Selatan',
    recipientName: 'Siti Aminah',
    phone: '+6281234567890',
    line1: 'Jl. Sudirman No. 1',
    ...overrides,
  };
}

/** Settings with both built-in providers: flat Rp15.000 (Rp30.000 to Papua), and by weight. */
export function builtInSettings(overrides: Partial<Schemas['ShippingSettingsInput']> = {}): Schemas['ShippingSettingsInput'] {
  return {
    currency: 'IDR',
    flatRate: {
      name: 'Kirim rata',
      amount: 15000,
      estimatedDays: { min: 2, max: 4 },
      zones: [{ name: 'Papua', provinces: ['Papua', 'Papua Barat'], postalCodePrefixes: ['99'], amount: 30000 }],
    },
    weightTable: {
      name: 'Menurut berat',
      brackets: [
        { upToGrams: 1000, amount: 10000 },
        { upToGrams: 5000, amount: 22000 },
      ],
      zones: [{ name: 'Sumatra', postalCodePrefixes: ['2'], brackets: [{ upToGrams: 5000, amount: 40000 }] }],
    },
    biteship: null,
    ...overrides,
  };
}

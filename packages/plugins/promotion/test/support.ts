import type { PromotionComponents, TokoBapakClient } from '@tokobapak/sdk';
import { newId } from '@tokobapak/server';
import { createTestServer, type ManualClock, manualClock, serviceClient, storeSession, type TestServer } from '@tokobapak/server/testing';
import { type PromotionPluginOptions, promotionPlugin } from '../src/index.js';

export type Schemas = PromotionComponents['schemas'];

/** The start of the current minute: a round time for windows, recent enough for access tokens. */
export function startOfMinute(): Date {
  return new Date(Math.floor(Date.now() / 60_000) * 60_000);
}

/** The promotion service alone on a fresh database, on a manual clock; it needs no other service. */
export async function startServer(options: PromotionPluginOptions = { sweepIntervalSeconds: 3600 }): Promise<{ server: TestServer; clock: ManualClock }> {
  const clock = manualClock(startOfMinute());
  const server = await createTestServer({ plugins: [promotionPlugin(options)], clock });
  return { server, clock };
}

const SESSION = `ses_${'0'.repeat(26)}`;

/**
 * Clients for each kind of caller. Each call signs a fresh token, so a test that moves the clock
 * still gets a valid one.
 */
export function callers(server: TestServer) {
  return {
    guest: (): TokoBapakClient => server.client(),
    admin: (): TokoBapakClient =>
      server.client({ accessToken: server.tokens.signAccessToken({ userId: newId('usr'), role: 'admin', sessionId: SESSION }), autoRefresh: false }),
    customer: (): TokoBapakClient =>
      server.client({ accessToken: server.tokens.signAccessToken({ userId: newId('usr'), role: 'customer', sessionId: SESSION }), autoRefresh: false }),
    store: (storeId: string, role: 'owner' | 'manager' | 'staff' = 'manager'): TokoBapakClient => storeSession(server, storeId, role),
    /** The cart service, which evaluates; the order service, which redeems. */
    cart: (): TokoBapakClient => serviceClient(server, 'cart'),
    order: (): TokoBapakClient => serviceClient(server, 'order'),
  };
}

/** A well-formed id with a prefix. */
export const fakeId = (prefix: string): string => newId(prefix);

let counter = 0;

/** A coupon code unique within the test run. */
export function uniqueCode(stem = 'HEMAT'): string {
  counter += 1;
  return `${stem}${Date.now().toString(36).toUpperCase()}${counter}`;
}

/** A line of an evaluation request: `quantity` units at `unitPrice` of a product of a store. */
export function line(
  lineId: string,
  storeId: string,
  unitPrice: number,
  quantity = 1,
  extra: { productId?: string; categories?: string[] } = {},
): Schemas['EvaluationLineInput'] {
  return {
    lineId,
    variantId: `var_${lineId}`,
    productId: extra.productId ?? `prod_${lineId}`,
    storeId,
    categories: extra.categories ?? [],
    quantity,
    unitPrice,
  };
}
